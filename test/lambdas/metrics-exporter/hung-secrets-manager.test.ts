import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AWS_CALL_BUDGETS, worstCaseMs } from '../../../lambdas/shared/deadlines';
import { type HungServer, startHungServer } from '../../support/hung-server';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { closedByClient } from '../../support/socket-waits';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/metrics-token-AbC123';
/** The exporter function's timeout (lib/metrics-exporter.ts): the README promises a 503 before it. */
const EXPORTER_TIMEOUT_MS = 5_000;

describe('GET /metrics while Secrets Manager accepts connections and never answers', () => {
  let hung: HungServer;
  let output: CapturedOutput;
  let handler: typeof import('../../../lambdas/metrics-exporter/handler').handler;

  beforeAll(async () => {
    hung = await startHungServer();
    vi.resetModules();
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${hung.port}`,
      POWERTOOLS_SERVICE_NAME: 'signupflow-test',
      POWERTOOLS_METRICS_DISABLED: 'true',
      STAGE: `hung-secrets-${process.pid}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_TOKEN_SECRET_ARN: SECRET_ARN,
    }))
      vi.stubEnv(name, value);
    ({ handler } = await import('../../../lambdas/metrics-exporter/handler'));
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    vi.unstubAllEnvs();
    await hung.close();
  });

  it('answers 503 within its budget, having closed the requests it gave up on', async () => {
    // Act
    const startedAt = performance.now();
    const answer = (await handler(
      httpApiEvent('GET /metrics', { headers: { authorization: 'Bearer anything' } }),
      lambdaContext('metrics-exporter'),
    )) as { statusCode: number; body: string };
    const elapsedMs = performance.now() - startedAt;

    // Assess: both attempts timed out (the SDK aborts them), well before the function's timeout
    expect(answer).toMatchObject({ statusCode: 503, body: 'metrics token unavailable\n' });
    expect(elapsedMs).toBeLessThan(worstCaseMs(AWS_CALL_BUDGETS.secretsManager) + 500);
    expect(elapsedMs).toBeLessThan(EXPORTER_TIMEOUT_MS);
    expect(hung.connections).toBe(AWS_CALL_BUDGETS.secretsManager.maxAttempts);
    await closedByClient(hung);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'The metrics token could not be read',
        reason: expect.stringContaining('exceeded the configured 1000 ms requestTimeout'),
      }),
    );
  });
});
