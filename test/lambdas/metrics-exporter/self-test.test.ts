import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { selfTest } from '../../../lambdas/metrics-exporter/self-test';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { answerSecrets, outline, resultFor, stubSelfTestEnv, testSecretArn } from '../../support/self-test';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';

const TOKEN_SECRET = testSecretArn('metrics-token');
const DENIED_SECRET = testSecretArn('metrics-token-denied');
const DELETED_SECRET = testSecretArn('metrics-token-deleted');
const TOKEN = 'Zq8mW3vN5tY7pL2kR9sD4fG6hJ1xC0bA5eT8uI3oP7aS2dF4';
const secretsManager = mockClient(SecretsManagerClient);

describe("the metrics exporter's self-test: its scrape token's secret, Redis and Sentry", () => {
  let sentry: SentryStandIn;
  let hung: HungServer | undefined;

  beforeAll(async () => {
    sentry = await startSentryStandIn();
  });

  beforeEach(() => {
    answerSecrets(secretsManager, { [TOKEN_SECRET]: TOKEN }, [DENIED_SECRET]);
    secretsManager.on(GetSecretValueCommand, { SecretId: DELETED_SECRET }).rejects(
      new ResourceNotFoundException({
        $metadata: { httpStatusCode: 400 },
        message: "Secrets Manager can't find the specified secret.",
      }),
    );
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await hung?.close();
    hung = undefined;
  });

  afterAll(async () => {
    secretsManager.restore();
    await sentry.close();
  });

  it('reports every dependency reached when all is well, and never the token', async () => {
    // Prepare
    stubSelfTestEnv({
      METRICS_TOKEN_SECRET_ARN: TOKEN_SECRET,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '6379',
      SENTRY_DSN: sentry.dsn,
    });

    // Act
    const report = await selfTest();

    // Assess
    expect(report.selfTest.function).toBe('metrics-exporter');
    expect(outline(report)).toEqual([
      ['Secrets Manager', true],
      ['Redis', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      target: 'secretsmanager.eu-west-1.amazonaws.com (signupflow/test/metrics-token)',
      detail: 'holds the scrape token',
    });
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('fails the token secret as denied when IAM refuses the read', async () => {
    stubSelfTestEnv({ METRICS_TOKEN_SECRET_ARN: DENIED_SECRET, REDIS_URL: 'redis://127.0.0.1:6379' });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
  });

  it('fails the token secret as missing when it was deleted', async () => {
    stubSelfTestEnv({ METRICS_TOKEN_SECRET_ARN: DELETED_SECRET, REDIS_URL: 'redis://127.0.0.1:6379' });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: { kind: 'missing', code: 'ResourceNotFoundException' },
    });
  });

  it('fails Redis as refused when nothing listens on its port', async () => {
    stubSelfTestEnv({
      METRICS_TOKEN_SECRET_ARN: TOKEN_SECRET,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });

    const report = await selfTest();

    expect(resultFor(report, 'Redis')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(resultFor(report, 'Secrets Manager').ok).toBe(true);
  });

  it('fails Sentry as a timeout within the deadline when its host accepts and never answers', async () => {
    // Prepare
    hung = await startHungServer();
    stubSelfTestEnv({
      REDIS_URL: 'redis://127.0.0.1:6379',
      SENTRY_DSN: `http://publickey@127.0.0.1:${hung.port}/1`,
    });

    // Act
    const report = await selfTest();

    // Assess
    const result = resultFor(report, 'Sentry');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(result.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS + 500);
    expect(resultFor(report, 'Redis').ok).toBe(true);
  });
});
