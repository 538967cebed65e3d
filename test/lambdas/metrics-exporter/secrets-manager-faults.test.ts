import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_CALL_BUDGETS, worstCaseMs } from '../../../lambdas/shared/deadlines';
import { startAwsFaultStandIn } from '../../support/aws-fault-stand-in';
import { closedPort, startHungServer } from '../../support/hung-server';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { closedByClient } from '../../support/socket-waits';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/metrics-token-AbC123';
/** The exporter function's timeout (lib/metrics-exporter.ts): the README promises a 503 before it. */
const EXPORTER_TIMEOUT_MS = 5_000;
const WORST_CASE_MS = worstCaseMs(AWS_CALL_BUDGETS.secretsManager);

/**
 * GET /metrics while Secrets Manager, which holds its bearer token, fails in each way it can: the scrape
 * answers 503 "metrics token unavailable" before the function's timeout, and says why in the log.
 */
describe('GET /metrics when Secrets Manager fails', () => {
  let output: CapturedOutput;
  const cleanups: (() => Promise<void>)[] = [];
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    vi.unstubAllEnvs();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** One scrape by a fresh Lambda environment whose Secrets Manager is at `endpoint`. */
  async function scrape(endpoint: string) {
    vi.resetModules();
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
      POWERTOOLS_SERVICE_NAME: 'signupflow-test',
      POWERTOOLS_METRICS_DISABLED: 'true',
      STAGE: `secrets-faults-${process.pid}`,
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_TOKEN_SECRET_ARN: SECRET_ARN,
    }))
      vi.stubEnv(name, value);
    const { handler, closeExporter } = await import('../../../lambdas/metrics-exporter/handler');
    cleanups.push(async () => closeExporter());
    const startedAt = performance.now();
    const answer = (await handler(
      httpApiEvent('GET /metrics', { headers: { authorization: 'Bearer anything' } }),
      lambdaContext('metrics-exporter'),
    )) as { statusCode: number; body: string };
    return { answer, elapsedMs: performance.now() - startedAt };
  }

  const tokenUnavailable = { statusCode: 503, body: 'metrics token unavailable\n' };
  const loggedReason = (reason: string) =>
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'The metrics token could not be read',
        reason: expect.stringContaining(reason),
      }),
    );

  it('answers 503 at once when nothing listens', async () => {
    // Act
    const { answer, elapsedMs } = await scrape(`http://127.0.0.1:${await closedPort()}`);
    // Assess
    expect(answer).toMatchObject(tokenUnavailable);
    expect(elapsedMs).toBeLessThan(WORST_CASE_MS);
    loggedReason('ECONNREFUSED');
  });

  it('answers 503 within its budget when Secrets Manager accepts and never answers, having closed the requests', async () => {
    // Prepare
    const hung = await startHungServer();
    cleanups.push(() => hung.close());
    // Act
    const { answer, elapsedMs } = await scrape(`http://127.0.0.1:${hung.port}`);
    // Assess: both attempts timed out (the SDK aborts them), well before the function's timeout
    expect(answer).toMatchObject(tokenUnavailable);
    expect(elapsedMs).toBeLessThan(WORST_CASE_MS + 500);
    expect(elapsedMs).toBeLessThan(EXPORTER_TIMEOUT_MS);
    expect(hung.connections).toBe(AWS_CALL_BUDGETS.secretsManager.maxAttempts);
    await closedByClient(hung);
    loggedReason('exceeded the configured 1000 ms requestTimeout');
  });

  it.each([
    [500, 'InternalServiceError'],
    [400, 'ThrottlingException'],
  ])('answers 503 after the SDK retried a %i %s', async (status, code) => {
    // Prepare
    const failing = await startAwsFaultStandIn({ error: { status, code, message: 'try again' } });
    cleanups.push(() => failing.close());
    // Act
    const { answer, elapsedMs } = await scrape(failing.url);
    // Assess
    expect(answer).toMatchObject(tokenUnavailable);
    expect(failing.requests).toBe(AWS_CALL_BUDGETS.secretsManager.maxAttempts);
    expect(elapsedMs).toBeLessThan(EXPORTER_TIMEOUT_MS);
    loggedReason('try again');
  });

  it('answers 503 within its budget when each answer comes later than the request timeout', async () => {
    // Prepare: an answer 1.5 s late, past the 1 s each attempt has
    const slow = await startAwsFaultStandIn(
      { json: () => ({ ARN: SECRET_ARN, Name: 'metrics-token', SecretString: 'late' }) },
      1_500,
    );
    cleanups.push(() => slow.close());
    // Act
    const { answer, elapsedMs } = await scrape(slow.url);
    // Assess
    expect(answer).toMatchObject(tokenUnavailable);
    expect(elapsedMs).toBeLessThan(WORST_CASE_MS + 500);
    loggedReason('requestTimeout');
  });
});
