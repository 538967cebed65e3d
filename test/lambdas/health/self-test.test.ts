import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { selfTest } from '../../../lambdas/health/self-test';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { type PrivateRedis, startPrivateRedis } from '../../support/private-redis';
import { answerSecrets, outline, resultFor, stubSelfTestEnv, testSecretArn } from '../../support/self-test';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';

const DB_PASSWORD = testSecretArn('monitoring-db');
const REDIS_AUTH = testSecretArn('redis-auth');
const WRONG_REDIS_AUTH = testSecretArn('redis-auth-stale');
const DENIED_REDIS_AUTH = testSecretArn('redis-auth-denied');
const REDIS_PASSWORD = 'redis-password-for-this-test-7Wk';
const secretsManager = mockClient(SecretsManagerClient);

describe("the health check's self-test: Postgres, Redis with its AUTH secret, and Sentry", () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let sentry: SentryStandIn;
  let hung: HungServer | undefined;

  /** The stack's settings: Postgres and Redis by host, their credentials in Secrets Manager. */
  const awsSettings = (redisPort = redis.port, redisSecret = REDIS_AUTH) => ({
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: new URL(database.url).port || '5432',
    DATABASE_NAME: database.name,
    DATABASE_USER: 'postgres',
    DATABASE_SSL: 'disable',
    DATABASE_PASSWORD_SECRET_ARN: DB_PASSWORD,
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redisPort),
    REDIS_AUTH_SECRET_ARN: redisSecret,
  });

  /** This test's own Redis, started and given its password. */
  async function startRedis(): Promise<void> {
    await redis.start();
    const admin = new Redis(redis.port, '127.0.0.1');
    await admin.config('SET', 'requirepass', REDIS_PASSWORD);
    admin.disconnect();
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startPrivateRedis();
    await startRedis();
    sentry = await startSentryStandIn();
  });

  beforeEach(() => {
    answerSecrets(
      secretsManager,
      {
        [DB_PASSWORD]: { password: 'trust-auth-ignores-it' },
        [REDIS_AUTH]: { password: REDIS_PASSWORD },
        [WRONG_REDIS_AUTH]: { password: 'a-password-since-rotated' },
      },
      [DENIED_REDIS_AUTH],
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
    await redis.stop();
    await database.drop();
  });

  it('reports every dependency reached when all is well', async () => {
    // Prepare
    stubSelfTestEnv({ ...awsSettings(), SENTRY_DSN: sentry.dsn });

    // Act
    const report = await selfTest();

    // Assess
    expect(report.selfTest.function).toBe('health');
    expect(outline(report)).toEqual([
      ['Secrets Manager', true],
      ['Postgres', true],
      ['Secrets Manager', true],
      ['Redis', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Postgres').detail).toBe('answers SELECT 1');
    expect(resultFor(report, 'Secrets Manager', 'redis-auth').target).toBe(
      'secretsmanager.eu-west-1.amazonaws.com (signupflow/test/redis-auth)',
    );
    expect(resultFor(report, 'Redis')).toMatchObject({
      target: `127.0.0.1:${redis.port}`,
      detail: 'PING answered PONG',
    });
    expect(JSON.stringify(report)).not.toContain(REDIS_PASSWORD);
  });

  it('fails Postgres as refused when nothing listens on its port, and still checks Redis', async () => {
    stubSelfTestEnv({ ...awsSettings(), DATABASE_PORT: String(await closedPort()) });

    const report = await selfTest();

    expect(resultFor(report, 'Postgres')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(resultFor(report, 'Redis').ok).toBe(true);
  });

  it('fails a stopped Redis as refused', async () => {
    // Prepare
    await redis.stop();
    onTestFinished(startRedis);
    stubSelfTestEnv(awsSettings());

    // Act
    const report = await selfTest();

    // Assess
    expect(resultFor(report, 'Redis')).toMatchObject({
      ok: false,
      failure: { kind: 'refused', code: 'ECONNREFUSED' },
    });
  });

  it('fails Redis as a timeout within the deadline when it accepts and never answers', async () => {
    // Prepare
    hung = await startHungServer();
    stubSelfTestEnv(awsSettings(hung.port));

    // Act
    const report = await selfTest();

    // Assess
    const result = resultFor(report, 'Redis');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(result.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS + 500);
  });

  it('fails Redis as auth when its secret holds a password Redis no longer takes', async () => {
    stubSelfTestEnv(awsSettings(redis.port, WRONG_REDIS_AUTH));

    const report = await selfTest();

    expect(resultFor(report, 'Redis')).toMatchObject({
      ok: false,
      failure: { kind: 'auth', code: 'WRONGPASS' },
    });
    expect(resultFor(report, 'Secrets Manager', 'redis-auth-stale').ok).toBe(true);
  });

  it("fails Redis's AUTH secret as denied when IAM refuses the read", async () => {
    stubSelfTestEnv(awsSettings(redis.port, DENIED_REDIS_AUTH));

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager', 'redis-auth-denied')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
  });

  it("fails the database password's secret as denied when IAM refuses the read", async () => {
    stubSelfTestEnv({ ...awsSettings(), DATABASE_PASSWORD_SECRET_ARN: DENIED_REDIS_AUTH });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager', 'redis-auth-denied')).toMatchObject({
      ok: false,
      failure: { kind: 'denied' },
    });
    expect(resultFor(report, 'Postgres')).toMatchObject({ ok: false, failure: { kind: 'denied' } });
  });

  it('fails Sentry as refused when its host takes no connection', async () => {
    stubSelfTestEnv({ ...awsSettings(), SENTRY_DSN: `http://publickey@127.0.0.1:${await closedPort()}/1` });

    const report = await selfTest();

    expect(resultFor(report, 'Sentry')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });
});
