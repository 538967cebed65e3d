import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { loadHealthHandler } from './load-health-handler';

const CACHE_SECONDS = 0.5;

describe('health answers reused for HEALTH_CACHE_SECONDS', () => {
  let database: TestDatabase;
  let health: Awaited<ReturnType<typeof loadHealthHandler>>;
  let output: CapturedOutput;

  const healthDocuments = () => output.emf().filter((document) => 'health_check_healthy' in document);

  beforeAll(async () => {
    database = await createTestDatabase();
    health = await loadHealthHandler({
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      HEALTH_CACHE_SECONDS: String(CACHE_SECONDS),
    });
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    health.close();
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('answers /health and /ready from one check until it is older than the cache, saying its age', async () => {
    // Prepare
    await sleep(CACHE_SECONDS * 1_000);
    output.clear();

    // Act
    const first = await health.get('GET /health');
    const second = await health.get('GET /ready', { accept: 'application/health+json' });
    const checksWithinCache = healthDocuments().length;
    await sleep(CACHE_SECONDS * 1_000 + 50);
    const afterExpiry = await health.get('GET /health');

    // Assess
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(checksWithinCache).toBe(2); // one check: one document per component
    const checks = second.json.checks as Record<string, { time: string }[]>;
    expect(checks['postgres:responseTime']?.[0]?.time).toBe(first.json.timestamp);
    expect(first.headers.age).toBe('0');
    expect(second.headers.age).toBe('0');
    expect(second.headers['cache-control']).toBe('no-store');
    expect(afterExpiry.json.timestamp).not.toBe(first.json.timestamp);
    expect(healthDocuments()).toHaveLength(4);
  });

  it('never answers the scheduled probe from the cache, and HTTP callers reuse its check', async () => {
    // Prepare
    const before = await health.get('GET /health');
    output.clear();

    // Act
    const probe = await health.handler(scheduledEvent(), lambdaContext('signupflow-health'));
    const probeDocuments = healthDocuments().length;
    const after = await health.get('GET /health');

    // Assess
    expect(probe).toMatchObject({ status: 'healthy' });
    expect(probeDocuments).toBe(2);
    expect(after.json.timestamp).not.toBe(before.json.timestamp);
    expect(healthDocuments()).toHaveLength(2);
  });
});
