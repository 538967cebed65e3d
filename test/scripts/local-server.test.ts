import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('the local API server', () => {
  let database: TestDatabase;
  let server: LocalServer | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
  });

  afterAll(async () => {
    await server?.close();
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('starts on a free port, answers GET /health over HTTP with the quick start body, and stops', async () => {
    // Prepare
    server = await startLocalServer({ port: 0, log: (line) => lines.push(line) });

    // Act
    const response = await fetch(`${server.url}/health`);
    const body = await response.json();
    await server.close();
    const afterClose = fetch(`${server.url}/health`);
    server = undefined;

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body).toMatchObject({
      status: 'healthy',
      components: { database: { status: 'healthy' }, redis: { status: 'healthy' } },
    });
    expect(lines).toContain('The database schema is up to date');
    expect(lines.some((line) => line.endsWith('/health') && line.includes('GET'))).toBe(true);
    expect(lines.some((line) => / GET \/health 200 [\d.]+ ms$/.test(line))).toBe(true);
    await expect(afterClose).rejects.toThrow();
  });

  it('serves the API routes with v2 events and answers unknown routes with a JSON 404', async () => {
    // Prepare
    server = await startLocalServer({ port: 0, log: () => undefined, migrate: false });

    // Act
    const events = await fetch(`${server.url}/api/events?organization_id=org-1&limit=5`);
    const invalid = await fetch(`${server.url}/api/events?limit=5`);
    const testError = await fetch(`${server.url}/api/trigger-test-error`, { method: 'POST' });
    const unknown = await fetch(`${server.url}/nope`);
    const live = await fetch(`${server.url}/live`, { headers: { accept: 'application/health+json' } });

    // Assess
    expect(events.status).toBe(200);
    expect(await events.json()).toEqual({ events: [], nextCursor: null });
    expect(invalid.status).toBe(400);
    expect(testError.status).toBe(500);
    expect(await testError.json()).toMatchObject({ message: 'Internal server error' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ message: 'Not Found' });
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toBe('application/health+json');
    expect(await live.json()).toMatchObject({ status: 'pass' });
  });
});
