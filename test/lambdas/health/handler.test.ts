import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { loadHealthHandler } from './load-health-handler';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('health handler against healthy Postgres and Redis', () => {
  let database: TestDatabase;
  let health: Awaited<ReturnType<typeof loadHealthHandler>>;
  let output: CapturedOutput;

  beforeAll(async () => {
    database = await createTestDatabase();
    health = await loadHealthHandler({ DATABASE_URL: database.url, REDIS_URL });
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    health.close();
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('answers GET /health with 200 and the quick start body, both components healthy with response times', async () => {
    // Act
    const response = await health.get('GET /health');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json).toEqual({
      status: 'healthy',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      components: {
        database: { status: 'healthy', response_time_ms: expect.any(Number) },
        redis: { status: 'healthy', response_time_ms: expect.any(Number) },
      },
    });
    const components = response.json.components as Record<string, { response_time_ms: number }>;
    expect(components.database?.response_time_ms).toBeGreaterThan(0);
    expect(components.redis?.response_time_ms).toBeGreaterThan(0);
  });

  it('answers in the IETF health+json form when Accept asks for it', async () => {
    // Act
    const response = await health.get('GET /health', { accept: 'application/health+json' });

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/health+json');
    expect(response.headers['cache-control']).toBe('no-store');
    const check = {
      componentType: 'datastore',
      observedValue: expect.any(Number),
      observedUnit: 'ms',
      status: expect.stringMatching(/^(pass|warn)$/),
      time: expect.any(String),
    };
    expect(response.json).toEqual({
      status: expect.stringMatching(/^(pass|warn)$/),
      releaseId: 'abc1234',
      serviceId: 'signupflow',
      description: 'SignUpFlow health',
      checks: { 'postgres:responseTime': [check], 'redis:responseTime': [check] },
    });
  });

  it('answers GET /ready with the same components', async () => {
    // Act
    const response = await health.get('GET /ready');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(Object.keys(response.json.components as object)).toEqual(['database', 'redis']);
    expect(response.json.status).toBe('healthy');
  });

  it('answers GET /live with 200, the release and the uptime', async () => {
    // Act
    const response = await health.get('GET /live');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json).toEqual({
      status: 'alive',
      release: 'abc1234',
      uptime_seconds: expect.any(Number),
      timestamp: expect.any(String),
    });
  });

  it('answers an unknown route with a JSON 404 that is not cached', async () => {
    // Act
    const response = await health.get('GET /healthz');

    // Assess
    expect(response.statusCode).toBe(404);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json).toEqual({ message: 'Not found' });
  });

  it('emits healthy (0/1) and response time per component, with the component as the only custom dimension', async () => {
    // Prepare
    output.clear();

    // Act
    await health.get('GET /health');

    // Assess
    const healthDocuments = output.emf().filter((document) => 'health_check_healthy' in document);
    expect(healthDocuments).toHaveLength(2);
    for (const document of healthDocuments) {
      expect(document).toMatchObject({
        service: 'signupflow',
        health_check_healthy: 1,
        health_check_response_time_ms: expect.any(Number),
        _aws: {
          CloudWatchMetrics: [{ Namespace: 'SignUpFlow/test', Dimensions: [['service', 'component']] }],
        },
      });
    }
    expect(healthDocuments.map((document) => document.component).sort()).toEqual(['database', 'redis']);
  });

  it('runs the same check for the scheduled EventBridge event', async () => {
    // Prepare
    const scheduled = scheduledEvent();
    output.clear();

    // Act
    const result = await health.handler(scheduled, lambdaContext('signupflow-health'));

    // Assess
    expect(result).toEqual({ status: 'healthy', components: { database: 'healthy', redis: 'healthy' } });
    expect(output.emf().filter((document) => 'health_check_healthy' in document)).toHaveLength(2);
  });

  it('rejects an event that is neither an HTTP request nor a scheduled event with a clear error', async () => {
    // Prepare
    // Act
    const invocation = health.handler({ hello: 'world' }, lambdaContext('signupflow-health'));

    // Assess
    await expect(invocation).rejects.toThrow(/Unsupported event/);
  });
});
