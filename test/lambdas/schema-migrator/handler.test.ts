import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrationsChecksum } from '../../../lambdas/schema-migrator/migrations-checksum';
import { MONITORING_GRANTS } from '../../../lambdas/schema-migrator/monitoring-grants';
import { MIGRATIONS_DIR } from '../../../scripts/migrations';
import { closedPort } from '../../support/hung-server';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { type PasswordPostgres, startPasswordPostgres } from '../../support/password-postgres';

const ADMIN_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-signupflow-admin-AbC123';
const ROLE_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/monitor-XyZ789';
const ADMIN_PASSWORD = 'admin-only-in-this-test-7Hq2';
const ROLE_PASSWORD = 'monitor-only-in-this-test-4Kd8';
const secretsManager = mockClient(SecretsManagerClient);

/** What CDK's provider framework hands the migrator for the custom resource. */
const RELEASE = 'abc1234';

/** The properties the stack gives the resource for the release this function runs (lib/schema-migration.ts). */
const THIS_RELEASE = { Release: RELEASE, MigrationsChecksum: migrationsChecksum(MIGRATIONS_DIR) };

function resourceEvent(
  requestType: 'Create' | 'Update' | 'Delete',
  properties: { Release: string; MigrationsChecksum: string } = THIS_RELEASE,
) {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:framework-onEvent',
    ResponseURL: '...',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/SignUpFlowMonitoring-test/1',
    RequestId: '6f8a6c4e-1e0b-4a39-9a8e-2b1f0d6a7c55',
    LogicalResourceId: 'SchemaMigrationSchema4F66BEEC',
    ResourceType: 'Custom::SchemaMigration',
    ResourceProperties: { ...properties, Role: 'signupflow_monitor' },
    ...(requestType !== 'Create' && { PhysicalResourceId: 'signupflow-schema' }),
  };
}

/** The migrator's environment against the server on `port`, as the stack gives it (lib/schema-migration.ts). */
function stubMigratorEnv(port: number): void {
  for (const [name, value] of Object.entries({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
    AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
    DATABASE_HOST: '127.0.0.1',
    DATABASE_PORT: String(port),
    DATABASE_NAME: 'signupflow',
    DATABASE_USER: 'signupflow_monitor',
    DATABASE_PASSWORD_SECRET_ARN: ROLE_SECRET,
    DATABASE_ADMIN_SECRET_ARN: ADMIN_SECRET,
    DATABASE_SSL: 'disable',
    SCHEMA_MIGRATIONS_DIR: MIGRATIONS_DIR,
    GIT_COMMIT_SHA: RELEASE,
    POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
    METRICS_FLUSH_INTERVAL_SECONDS: '0',
  }))
    vi.stubEnv(name, value);
}

/**
 * The deploy's schema step against a Postgres that checks passwords, logging in as an admin that is no superuser
 * (as RDS's master is not): the role it makes must log in with the functions' password and do exactly their work.
 */
describe('the schema migrator, as CloudFormation runs it', () => {
  let server: PasswordPostgres;
  let output: CapturedOutput;
  let handler: typeof import('../../../lambdas/schema-migrator/handler').handler;
  let adminPassword = ADMIN_PASSWORD;

  const asRole = (password = ROLE_PASSWORD) =>
    new pg.Client({
      host: '127.0.0.1',
      port: server.port,
      database: 'signupflow',
      user: 'signupflow_monitor',
      password,
    });

  beforeAll(async () => {
    server = await startPasswordPostgres();
    await server.admin(`CREATE ROLE signupflow_admin LOGIN CREATEROLE PASSWORD '${ADMIN_PASSWORD}'`);
    await server.admin('CREATE DATABASE signupflow OWNER signupflow_admin');
    secretsManager.on(GetSecretValueCommand, { SecretId: ADMIN_SECRET }).callsFake(async () => ({
      ARN: ADMIN_SECRET,
      SecretString: JSON.stringify({
        username: 'signupflow_admin',
        password: adminPassword,
        engine: 'postgres',
      }),
    }));
    secretsManager.on(GetSecretValueCommand, { SecretId: ROLE_SECRET }).resolves({
      ARN: ROLE_SECRET,
      SecretString: JSON.stringify({ username: 'signupflow_monitor', password: ROLE_PASSWORD }),
    });
    vi.resetModules();
    stubMigratorEnv(server.port);
    ({ handler } = await import('../../../lambdas/schema-migrator/handler'));
    output = captureOutput();
  });

  afterAll(async () => {
    output?.restore();
    vi.unstubAllEnvs();
    await server?.stop();
  });

  it('applies the migrations and creates the role on the first deploy, answering with the schema id', async () => {
    // Act
    const answer = await handler(resourceEvent('Create'), lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    expect(answer).toMatchObject({
      PhysicalResourceId: 'signupflow-schema',
      Data: {
        Applied: expect.stringMatching(/^001_events\.sql 002_alert_rules\.sql/),
        Role: 'signupflow_monitor',
      },
    });
    const client = asRole();
    await client.connect();
    await client.end();
  });

  it("sets the functions' password on the role, and no other password logs in", async () => {
    // Act
    const wrong = asRole('not-the-password');

    // Assess
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
    const stored = await server.admin(
      "SELECT rolpassword FROM pg_authid WHERE rolname = 'signupflow_monitor'",
    );
    expect(stored.rows[0]?.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  it('grants the role exactly MONITORING_GRANTS on every table, and nothing on schema_migrations', async () => {
    // Prepare
    const client = new pg.Client({
      host: '127.0.0.1',
      port: server.port,
      database: 'signupflow',
      user: 'signupflow_admin',
      password: ADMIN_PASSWORD,
    });
    await client.connect();

    // Act
    const { rows } = await client.query<{ table_name: string; privilege_type: string }>(
      "SELECT table_name, privilege_type FROM information_schema.role_table_grants WHERE grantee = 'signupflow_monitor'",
    );
    const { rows: tables } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    await client.end();

    // Assess
    const byTable: Record<string, string[]> = {};
    for (const row of rows)
      byTable[row.table_name] = [...(byTable[row.table_name] ?? []), row.privilege_type];
    const expected = Object.fromEntries(
      Object.entries(MONITORING_GRANTS)
        .filter(([, privileges]) => privileges.length > 0)
        .map(([table, privileges]) => [table, [...privileges].sort()]),
    );
    expect(
      Object.fromEntries(Object.entries(byTable).map(([table, privileges]) => [table, privileges.sort()])),
    ).toEqual(expected);
    expect(tables.map((table) => table.tablename).sort()).toEqual(Object.keys(MONITORING_GRANTS).sort());
  });

  it('takes back a privilege granted by hand when the next deploy runs it again', async () => {
    // Prepare
    const owner = new pg.Client({
      host: '127.0.0.1',
      port: server.port,
      database: 'signupflow',
      user: 'signupflow_admin',
      password: ADMIN_PASSWORD,
    });
    await owner.connect();
    await owner.query('GRANT INSERT, TRUNCATE ON events TO signupflow_monitor');

    // Act
    const answer = await handler(resourceEvent('Update'), lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    const { rows } = await owner.query<{ insert: boolean; truncate: boolean }>(
      "SELECT has_table_privilege('signupflow_monitor', 'events', 'INSERT') AS insert, has_table_privilege('signupflow_monitor', 'events', 'TRUNCATE') AS truncate",
    );
    await owner.end();
    expect(answer).toMatchObject({ PhysicalResourceId: 'signupflow-schema', Data: { Applied: 'none' } });
    expect(rows[0]).toEqual({ insert: false, truncate: false });
  });

  it('fails the deploy, saying why, when the admin secret no longer logs in', async () => {
    // Prepare
    adminPassword = 'a-rotated-password-the-secret-missed';

    // Act
    const run = handler(resourceEvent('Update'), lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    await expect(run).rejects.toThrow(/password authentication failed for user "signupflow_admin"/);
    adminPassword = ADMIN_PASSWORD;
  });

  it("answers a rollback to the release before without migrating: this release's migrations would fail it again", async () => {
    // Prepare: the update failed on a new migration; CloudFormation rolls the resource back before the function,
    // so the request names the release before while this release's failing migration is still bundled
    const directory = mkdtempSync(path.join(os.tmpdir(), 'signupflow-rollback-'));
    cpSync(MIGRATIONS_DIR, directory, { recursive: true });
    writeFileSync(path.join(directory, '998_broken.sql'), 'SELECT no_such_column FROM events;');
    vi.stubEnv('SCHEMA_MIGRATIONS_DIR', directory);
    const forward = resourceEvent('Update', {
      Release: RELEASE,
      MigrationsChecksum: migrationsChecksum(directory),
    });
    const rollback = resourceEvent('Update', {
      Release: '0ld0ld0',
      MigrationsChecksum: migrationsChecksum(MIGRATIONS_DIR),
    });

    // Act
    const update = handler(forward, lambdaContext('signupflow-test-schema-migrator'));
    await expect(update).rejects.toThrow(/Migration 998_broken\.sql failed/);
    const rolledBack = await handler(rollback, lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    expect(rolledBack).toEqual({
      PhysicalResourceId: 'signupflow-schema',
      Data: { Applied: 'none', Role: 'signupflow_monitor' },
    });
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: expect.stringMatching(
          /^A request for another release than this function carries \(a rollback\)/,
        ),
      }),
    );
    vi.stubEnv('SCHEMA_MIGRATIONS_DIR', MIGRATIONS_DIR);
    rmSync(directory, { recursive: true, force: true });
  });

  it('leaves the schema alone when the stack is deleted, without connecting', async () => {
    // Prepare: nothing listens where the database was
    vi.stubEnv('DATABASE_PORT', String(await closedPort()));

    // Act
    const answer = await handler(resourceEvent('Delete'), lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    expect(answer).toEqual({ PhysicalResourceId: 'signupflow-schema' });
    vi.stubEnv('DATABASE_PORT', String(server.port));
  });

  it('refuses an event it does not know instead of migrating on it', async () => {
    // Act
    const run = handler({ RequestType: 'Replace' }, lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    await expect(run).rejects.toThrow(/Unsupported event: expected the schema custom resource/);
  });
});

describe('the schema migrator and a monitoring role it may not change', () => {
  let server: PasswordPostgres;
  let handler: typeof import('../../../lambdas/schema-migrator/handler').handler;
  let output: CapturedOutput;

  beforeAll(async () => {
    // Prepare: the role exists already, made a superuser by someone else, which no CREATEROLE admin may alter
    server = await startPasswordPostgres();
    await server.admin(`CREATE ROLE signupflow_admin LOGIN CREATEROLE PASSWORD '${ADMIN_PASSWORD}'`);
    await server.admin('CREATE DATABASE signupflow OWNER signupflow_admin');
    await server.admin("CREATE ROLE signupflow_monitor LOGIN SUPERUSER PASSWORD 'set-by-someone-else'");
    vi.resetModules();
    stubMigratorEnv(server.port);
    ({ handler } = await import('../../../lambdas/schema-migrator/handler'));
    output = captureOutput();
  });
  afterAll(async () => {
    output?.restore();
    vi.unstubAllEnvs();
    await server?.stop();
  });

  it('fails the deploy saying who must grant what', async () => {
    // Act
    const run = handler(resourceEvent('Create'), lambdaContext('signupflow-test-schema-migrator'));

    // Assess
    await expect(run).rejects.toThrow(
      /^The admin login may not change the existing role signupflow_monitor \(.*\): have its creator run GRANT signupflow_monitor TO <the admin role> WITH ADMIN OPTION/,
    );
  });
});
