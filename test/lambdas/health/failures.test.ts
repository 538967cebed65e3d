import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPort, startHungServer } from '../../support/hung-server';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { TEST_POSTGRES_URL } from '../../support/postgres';
import { startFakePostgresAuthServer } from './fake-postgres-auth';
import { type HealthResponse, leaks, loadHealthHandler } from './load-health-handler';

const HEALTHY_POSTGRES = TEST_POSTGRES_URL;
const HEALTHY_REDIS = 'redis://127.0.0.1:6379';
const DATABASE_TIMEOUT_MS = 2_000; // the defaults: no timeout variable is set in these tests
const REDIS_TIMEOUT_MS = 1_000;
const PASSWORD = 'S3cret-Pa55word';
const USER = 'health_user';
const HOST = 'localhost';

/** The test Postgres's URL (its user and database), reached by host name through another port. */
function testPostgresThrough(port: number): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.hostname = HOST;
  url.port = String(port);
  return url.toString();
}

type Health = Awaited<ReturnType<typeof loadHealthHandler>>;

function component(response: HealthResponse, name: 'database' | 'redis') {
  return (response.json.components as Record<string, { status: string; error?: string }>)[name];
}

describe('health checks of failing dependencies', () => {
  let health: Health | undefined;
  let output: CapturedOutput;

  beforeAll(() => {
    output = captureOutput();
  });

  afterEach(() => {
    health?.close();
    health = undefined;
    vi.unstubAllEnvs();
  });

  afterAll(() => output.restore());

  it('reports Redis stopped as 503 "connection refused" within its timeout', async () => {
    // Prepare
    const port = await closedPort();
    health = await loadHealthHandler({
      DATABASE_URL: HEALTHY_POSTGRES,
      REDIS_URL: `redis://${USER}:${PASSWORD}@${HOST}:${port}`,
    });

    // Act
    const response = await health.get('GET /health');

    // Assess
    expect(response.statusCode).toBe(503);
    expect(response.json.status).toBe('unhealthy');
    expect(component(response, 'redis')).toMatchObject({ status: 'unhealthy', error: 'connection refused' });
    expect(component(response, 'database')).toMatchObject({ status: 'healthy' });
    expect(response.elapsedMs).toBeLessThan(REDIS_TIMEOUT_MS);
    expect(leaks(response.body, [PASSWORD, USER, HOST, String(port)])).toEqual([]);
  });

  it('reports Postgres stopped as 503 "connection refused" within its timeout', async () => {
    // Prepare
    const port = await closedPort();
    health = await loadHealthHandler({
      DATABASE_URL: `postgres://${USER}:${PASSWORD}@${HOST}:${port}/signupflow`,
      REDIS_URL: HEALTHY_REDIS,
    });

    // Act
    const response = await health.get('GET /health');

    // Assess
    expect(response.statusCode).toBe(503);
    expect(component(response, 'database')).toMatchObject({
      status: 'unhealthy',
      error: 'connection refused',
    });
    expect(component(response, 'redis')).toMatchObject({ status: 'healthy' });
    expect(response.elapsedMs).toBeLessThan(DATABASE_TIMEOUT_MS);
    expect(leaks(response.body, [PASSWORD, USER, HOST, String(port)])).toEqual([]);
  });

  it('reports a wrong database password as 503 "authentication failed" within its timeout', async () => {
    // Prepare: the test Postgres trusts 127.0.0.1, so a server that refuses the password stands in for it.
    const server = await startFakePostgresAuthServer();
    health = await loadHealthHandler({
      DATABASE_URL: `postgres://${USER}:${PASSWORD}@${HOST}:${server.port}/signupflow`,
      REDIS_URL: HEALTHY_REDIS,
    });

    // Act
    const response = await health.get('GET /health', { accept: 'application/health+json' });
    await server.close();

    // Assess
    expect(server.passwords).toEqual([PASSWORD]);
    expect(response.statusCode).toBe(503);
    expect(response.json.status).toBe('fail');
    expect(response.json.checks).toMatchObject({
      'postgres:responseTime': [{ status: 'fail', output: 'authentication failed' }],
      'redis:responseTime': [{ status: expect.stringMatching(/^(pass|warn)$/) }],
    });
    expect(response.elapsedMs).toBeLessThan(DATABASE_TIMEOUT_MS);
    expect(
      leaks(response.body, [PASSWORD, USER, HOST, String(server.port), 'password authentication']),
    ).toEqual([]);
  });

  it('answers 503 "timeout" within the database timeout + 100 ms when Postgres hangs, and recovers when it is back', async () => {
    // Prepare
    const hung = await startHungServer();
    health = await loadHealthHandler({
      DATABASE_URL: testPostgresThrough(hung.port),
      REDIS_URL: HEALTHY_REDIS,
    });

    try {
      // Act
      const duringHang = await health.get('GET /health');
      hung.recover(5432);
      const afterRecovery = await health.get('GET /health');

      // Assess
      expect(duringHang.statusCode).toBe(503);
      expect(component(duringHang, 'database')).toMatchObject({ status: 'unhealthy', error: 'timeout' });
      expect(component(duringHang, 'redis')).toMatchObject({ status: 'healthy' });
      expect(duringHang.elapsedMs).toBeGreaterThanOrEqual(DATABASE_TIMEOUT_MS - 1);
      expect(duringHang.elapsedMs).toBeLessThan(DATABASE_TIMEOUT_MS + 100);
      expect(leaks(duringHang.body, [HOST, String(hung.port)])).toEqual([]);
      expect(afterRecovery.statusCode).toBe(200);
      expect(component(afterRecovery, 'database')).toMatchObject({ status: 'healthy' });
      expect(hung.connections).toBe(2); // the hung socket was given up, a new one was opened
    } finally {
      await hung.close();
    }
  });

  it('answers 503 "timeout" within the Redis timeout + 100 ms when Redis hangs, and recovers when it is back', async () => {
    // Prepare
    const hung = await startHungServer();
    health = await loadHealthHandler({
      DATABASE_URL: HEALTHY_POSTGRES,
      REDIS_URL: `redis://${HOST}:${hung.port}`,
    });

    try {
      // Act
      const duringHang = await health.get('GET /health');
      hung.recover(6379);
      const afterRecovery = await health.get('GET /health');

      // Assess
      expect(duringHang.statusCode).toBe(503);
      expect(component(duringHang, 'redis')).toMatchObject({ status: 'unhealthy', error: 'timeout' });
      expect(component(duringHang, 'database')).toMatchObject({ status: 'healthy' });
      expect(duringHang.elapsedMs).toBeGreaterThanOrEqual(REDIS_TIMEOUT_MS - 1);
      expect(duringHang.elapsedMs).toBeLessThan(REDIS_TIMEOUT_MS + 100);
      expect(leaks(duringHang.body, [HOST, String(hung.port)])).toEqual([]);
      expect(afterRecovery.statusCode).toBe(200);
      expect(component(afterRecovery, 'redis')).toMatchObject({ status: 'healthy' });
      expect(hung.connections).toBe(2);
    } finally {
      await hung.close();
    }
  });

  it('keeps the whole check within HEALTH_CHECK_TIMEOUT when a component timeout is set longer', async () => {
    // Prepare
    const hung = await startHungServer();
    health = await loadHealthHandler({
      DATABASE_URL: testPostgresThrough(hung.port),
      REDIS_URL: HEALTHY_REDIS,
      HEALTH_CHECK_TIMEOUT: '0.5',
      HEALTH_DATABASE_TIMEOUT_MS: '5000',
    });

    try {
      // Act
      const response = await health.get('GET /ready');

      // Assess
      expect(response.statusCode).toBe(503);
      expect(component(response, 'database')).toMatchObject({ error: 'timeout' });
      expect(response.elapsedMs).toBeLessThan(500 + 100);
    } finally {
      await hung.close();
    }
  });
});
