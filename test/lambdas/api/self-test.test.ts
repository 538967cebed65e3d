import { randomUUID } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { selfTest } from '../../../lambdas/api/self-test';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { answerSecrets, outline, resultFor, stubSelfTestEnv, testSecretArn } from '../../support/self-test';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';

const PASSWORD_SECRET =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/test/monitoring-db-AbC123';
const DENIED_SECRET = testSecretArn('other-db');
const secretsManager = mockClient(SecretsManagerClient);

describe("the API's self-test: the events table as the monitoring role, its password secret, and Sentry", () => {
  let database: TestDatabase;
  let sentry: SentryStandIn;
  let hung: HungServer | undefined;
  const role = `selftest_noread_${randomUUID().replaceAll('-', '').slice(0, 8)}`;

  /** The stack's settings (DATABASE_HOST and a password secret), against the local trust-auth Postgres. */
  const awsDatabase = (user = 'postgres', secretArn = PASSWORD_SECRET) => ({
    DATABASE_URL: undefined,
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: new URL(database.url).port || '5432',
    DATABASE_NAME: database.name,
    DATABASE_USER: user,
    DATABASE_SSL: 'disable',
    DATABASE_PASSWORD_SECRET_ARN: secretArn,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    sentry = await startSentryStandIn();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN`); // no grant on events
    await admin.end();
  });

  beforeEach(() => {
    answerSecrets(secretsManager, { [PASSWORD_SECRET]: { password: 'trust-auth-ignores-it' } }, [
      DENIED_SECRET,
    ]);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await hung?.close();
    hung = undefined;
  });

  afterAll(async () => {
    secretsManager.restore();
    await sentry.close();
    await database.drop();
    const admin = new pg.Client({ connectionString: new URL('/postgres', database.url).toString() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('reports every dependency reached, with the release, when all is well', async () => {
    // Prepare
    stubSelfTestEnv({ ...awsDatabase(), SENTRY_DSN: sentry.dsn });

    // Act
    const report = await selfTest();

    // Assess
    expect(report.selfTest).toMatchObject({ function: 'api', release: 'a1b2c3d' });
    expect(outline(report)).toEqual([
      ['Secrets Manager', true],
      ['Postgres', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Secrets Manager').target).toBe(
      'secretsmanager.eu-west-1.amazonaws.com (signupflow/test/monitoring-db)',
    );
    expect(resultFor(report, 'Postgres')).toMatchObject({
      target: `127.0.0.1:${new URL(database.url).port || 5432}/${database.name}`,
      detail: 'reads events',
    });
    expect(sentry.envelopes).toHaveLength(0);
  });

  it('reads events with DATABASE_URL alone when run locally, naming its host without the password', async () => {
    // Prepare
    const url = new URL(database.url);
    url.password = 'local-password-9Qz';
    stubSelfTestEnv({ DATABASE_URL: url.toString() });

    // Act
    const report = await selfTest();

    // Assess
    expect(outline(report)).toEqual([['Postgres', true]]);
    expect(resultFor(report, 'Postgres').target).toBe(`127.0.0.1:${url.port || 5432}/${database.name}`);
    expect(JSON.stringify(report)).not.toContain('local-password-9Qz');
  });

  it('fails Postgres as refused when nothing listens on its port', async () => {
    stubSelfTestEnv({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/signupflow` });

    const report = await selfTest();

    expect(resultFor(report, 'Postgres')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });

  it('fails Postgres as a timeout within the deadline when it accepts and never answers', async () => {
    // Prepare
    hung = await startHungServer();
    stubSelfTestEnv({ DATABASE_URL: `postgres://postgres@127.0.0.1:${hung.port}/signupflow` });

    // Act
    const report = await selfTest();

    // Assess
    const postgres = resultFor(report, 'Postgres');
    expect(postgres).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(postgres.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS + 500);
  });

  it('fails Postgres as denied when the role may not read events', async () => {
    stubSelfTestEnv(awsDatabase(role));

    const report = await selfTest();

    expect(resultFor(report, 'Postgres')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: '42501', message: 'permission denied for table events' },
    });
  });

  it('fails Postgres as missing when the schema was never applied', async () => {
    stubSelfTestEnv({ DATABASE_URL: new URL('/postgres', database.url).toString() });

    const report = await selfTest();

    expect(resultFor(report, 'Postgres')).toMatchObject({
      ok: false,
      failure: { kind: 'missing', code: '42P01' },
    });
  });

  it('fails the password secret as denied when IAM refuses the read', async () => {
    stubSelfTestEnv(awsDatabase('postgres', DENIED_SECRET));

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
    expect(resultFor(report, 'Postgres')).toMatchObject({ ok: false, failure: { kind: 'denied' } });
  });

  it('fails Sentry as refused when its host takes no connection', async () => {
    stubSelfTestEnv({
      DATABASE_URL: database.url,
      SENTRY_DSN: `http://publickey@127.0.0.1:${await closedPort()}/1`,
    });

    const report = await selfTest();

    expect(resultFor(report, 'Sentry')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(resultFor(report, 'Postgres').ok).toBe(true);
  });
});
