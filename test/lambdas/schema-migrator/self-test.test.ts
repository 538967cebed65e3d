import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureMonitoringRole } from '../../../lambdas/schema-migrator/monitoring-role';
import { selfTest } from '../../../lambdas/schema-migrator/self-test';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { MIGRATIONS_DIR } from '../../../scripts/migrations';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import {
  answerSecrets,
  outline,
  resultFor,
  SELF_TEST_BASE_ENV,
  testSecretArn,
} from '../../support/self-test';
import { startSentryStandIn } from '../../support/sentry-server';

const ADMIN_SECRET = testSecretArn('db-admin');
const DENIED_ADMIN_SECRET = testSecretArn('db-admin-denied');
const MONITORING_SECRET = testSecretArn('monitoring-db');
const secretsManager = mockClient(SecretsManagerClient);

describe("the schema migrator's self-test: the admin login and its schema, and the monitoring role's login", () => {
  let database: TestDatabase;
  let hung: HungServer | undefined;
  const role = `selftest_monitor_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
  const migrations = readdirSync(MIGRATIONS_DIR)
    .filter((file) => file.endsWith('.sql'))
    .sort();

  /** The stack's settings, against the local trust-auth Postgres (which takes any password). */
  const stage = (env: Record<string, string | undefined> = {}) => ({
    ...SELF_TEST_BASE_ENV,
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: new URL(database.url).port || '5432',
    DATABASE_NAME: database.name,
    DATABASE_USER: role,
    DATABASE_SSL: 'disable',
    DATABASE_ADMIN_SECRET_ARN: ADMIN_SECRET,
    DATABASE_PASSWORD_SECRET_ARN: MONITORING_SECRET,
    ...env,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await ensureMonitoringRole(admin, { name: role, password: 'trust-auth-ignores-it' });
    await admin.end();
  });

  beforeEach(() => {
    answerSecrets(
      secretsManager,
      {
        [ADMIN_SECRET]: { username: 'postgres', password: 'trust-auth-ignores-it' },
        [MONITORING_SECRET]: { username: role, password: 'trust-auth-ignores-it' },
      },
      [DENIED_ADMIN_SECRET],
    );
  });

  afterEach(async () => {
    await hung?.close();
    hung = undefined;
  });

  afterAll(async () => {
    secretsManager.restore();
    await database.drop();
    const admin = new pg.Client({ connectionString: new URL('/postgres', database.url).toString() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('reports the admin login, the migrations applied, the monitoring role and Sentry when all is well', async () => {
    // Prepare
    const sentry = await startSentryStandIn();

    // Act
    const report = await selfTest(stage({ SENTRY_DSN: sentry.dsn }));
    await sentry.close();

    // Assess
    expect(report.selfTest.function).toBe('schema-migrator');
    expect(outline(report)).toEqual([
      ['Secrets Manager', true],
      ['Postgres', true],
      ['Secrets Manager', true],
      ['Postgres', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Secrets Manager', 'db-admin').detail).toBe('holds the admin login');
    expect(resultFor(report, 'Postgres', '(admin)').detail).toBe(
      `${migrations.length} migrations applied, the latest ${migrations.at(-1)}`,
    );
    expect(report.selfTest.checks[3]).toMatchObject({ dependency: 'Postgres', detail: `logs in as ${role}` });
  });

  it('fails the admin line as config when DATABASE_ADMIN_SECRET_ARN is not set, and still checks the role', async () => {
    const report = await selfTest(stage({ DATABASE_ADMIN_SECRET_ARN: undefined }));

    expect(resultFor(report, 'Postgres', '(admin)')).toMatchObject({
      ok: false,
      failure: { kind: 'config', message: 'DATABASE_ADMIN_SECRET_ARN is not set' },
    });
    expect(report.selfTest.checks.at(-1)).toMatchObject({ dependency: 'Postgres', ok: true });
  });

  it('fails the admin secret as denied when IAM refuses the read', async () => {
    const report = await selfTest(stage({ DATABASE_ADMIN_SECRET_ARN: DENIED_ADMIN_SECRET }));

    expect(resultFor(report, 'Secrets Manager', 'db-admin-denied')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
    expect(resultFor(report, 'Postgres', '(admin)')).toMatchObject({
      ok: false,
      failure: { kind: 'denied' },
    });
  });

  it('fails the admin line as missing when the schema was never applied', async () => {
    const report = await selfTest(stage({ DATABASE_NAME: 'postgres' }));

    expect(resultFor(report, 'Postgres', '(admin)')).toMatchObject({
      ok: false,
      failure: { kind: 'missing', code: '42P01' },
    });
  });

  it('fails the monitoring line as auth when the role does not exist', async () => {
    const report = await selfTest(stage({ DATABASE_USER: 'signupflow_never_created' }));

    expect(report.selfTest.checks.at(-1)).toMatchObject({
      dependency: 'Postgres',
      ok: false,
      failure: { kind: 'auth', code: '28000' },
    });
  });

  it('fails both Postgres lines as refused when nothing listens on its port', async () => {
    const report = await selfTest(stage({ DATABASE_PORT: String(await closedPort()) }));

    const postgres = report.selfTest.checks.filter((check) => check.dependency === 'Postgres');
    expect(postgres.map((check) => check.failure?.kind)).toEqual(['refused', 'refused']);
  });

  it('fails both Postgres lines as timeouts within the deadline when it accepts and never answers', async () => {
    // Prepare
    hung = await startHungServer();

    // Act
    const report = await selfTest(stage({ DATABASE_PORT: String(hung.port) }));

    // Assess
    const postgres = report.selfTest.checks.filter((check) => check.dependency === 'Postgres');
    expect(postgres.map((check) => check.failure?.kind)).toEqual(['timeout', 'timeout']);
    for (const check of postgres) expect(check.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS + 500);
  });

  it('fails Sentry as refused when its host takes no connection', async () => {
    const report = await selfTest(
      stage({ SENTRY_DSN: `http://publickey@127.0.0.1:${await closedPort()}/1` }),
    );

    expect(resultFor(report, 'Sentry')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });
});
