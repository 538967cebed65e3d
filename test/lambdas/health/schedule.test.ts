import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { TEST_POSTGRES_URL } from '../../support/postgres';
import { loadHealthHandler } from './load-health-handler';

describe('the scheduled probe with metrics aggregated for 60 s, as deployed', () => {
  let health: Awaited<ReturnType<typeof loadHealthHandler>>;
  let output: CapturedOutput;

  beforeAll(async () => {
    // A frozen wall clock early in a minute: a check that straddled a minute boundary would write the minute
    // that closed, which is right, but not what these tests are about.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T10:00:10Z') });
    health = await loadHealthHandler({
      DATABASE_URL: TEST_POSTGRES_URL,
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_FLUSH_INTERVAL_SECONDS: '60',
    });
    output = captureOutput();
  });

  afterAll(() => {
    vi.useRealTimers();
    output.restore();
    health.close();
    vi.unstubAllEnvs();
  });

  it('holds the metrics of a healthy HTTP check until the next flush', async () => {
    // Prepare
    output.clear();

    // Act
    const response = await health.get('GET /health');

    // Assess
    expect(response.statusCode).toBe(200);
    expect(output.emf()).toEqual([]);
  });

  it('runs the same check every minute and writes its metrics at once, so that each minute has a data point', async () => {
    // Prepare
    output.clear();

    // Act
    const result = await health.handler(scheduledEvent(), lambdaContext('signupflow-health'));

    // Assess
    expect(result).toEqual({ status: 'healthy', components: { database: 'healthy', redis: 'healthy' } });
    const healthy = output
      .emf()
      .filter((document) => 'health_check_healthy' in document)
      .map((document) => [document.component, document.health_check_healthy]);
    // The held HTTP check's values are written with the scheduled one's: EMF carries them as arrays.
    expect(healthy).toEqual([
      ['database', [1, 1]],
      ['redis', [1, 1]],
    ]);
  });
});
