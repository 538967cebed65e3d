import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateSchema } from '../../../lambdas/schema-migrator/migrate-schema';
import { MIGRATIONS_DIR } from '../../../scripts/migrations';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { type PasswordPostgres, startPasswordPostgres } from '../../support/password-postgres';
import {
  cloudWatchWireStandIn,
  snsWireStandIn,
  type WireStandIn,
} from '../alert-evaluator/aws-wire-stand-ins';
import { TOPIC_ARN } from '../alert-evaluator/evaluator-harness';

const ADMIN_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/admin-AbC123';
const ROLE_SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/monitor-XyZ789';
const ROLE_PASSWORD = 'monitor-only-in-this-test-9Lp3';
const secretsManager = mockClient(SecretsManagerClient);

/**
 * The grants are enough, and no more: the alert evaluator runs a whole evaluation as the role the migration
 * made (rules, state, outbox, export watermarks), and the role cannot change what it only reads.
 */
describe('the monitoring role at work', () => {
  let server: PasswordPostgres;
  let cloudwatch: WireStandIn;
  let sns: WireStandIn;
  let output: CapturedOutput;
  const roleUrl = () => `postgres://signupflow_monitor:${ROLE_PASSWORD}@127.0.0.1:${server.port}/signupflow`;

  beforeAll(async () => {
    server = await startPasswordPostgres();
    await server.admin("CREATE ROLE signupflow_admin LOGIN CREATEROLE PASSWORD 'admin-only-in-this-test'");
    await server.admin('CREATE DATABASE signupflow OWNER signupflow_admin');
    secretsManager.on(GetSecretValueCommand, { SecretId: ADMIN_SECRET }).resolves({
      SecretString: JSON.stringify({ username: 'signupflow_admin', password: 'admin-only-in-this-test' }),
    });
    secretsManager.on(GetSecretValueCommand, { SecretId: ROLE_SECRET }).resolves({
      SecretString: JSON.stringify({ password: ROLE_PASSWORD }),
    });
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: 'signupflow',
      DATABASE_USER: 'signupflow_monitor',
      DATABASE_PASSWORD_SECRET_ARN: ROLE_SECRET,
      DATABASE_ADMIN_SECRET_ARN: ADMIN_SECRET,
      DATABASE_SSL: 'disable',
    };
    await migrateSchema(env, MIGRATIONS_DIR);

    cloudwatch = await cloudWatchWireStandIn((_query, endTime) => {
      const minutes = [1, 2, 3, 4, 5].map((back) => endTime - back * 60);
      return { Timestamps: minutes, Values: minutes.map(() => 40) }; // 40% errors: the seeded rule fires
    });
    sns = await snsWireStandIn();
    vi.resetModules();
    for (const [name, value] of Object.entries({
      DATABASE_URL: roleUrl(),
      REDIS_URL: 'redis://127.0.0.1:6379',
      ALERT_TOPIC_ARN: TOPIC_ARN,
      HTTP_API_ID: 'a1b2c3d4e5',
      STAGE: `role-${randomUUID().slice(0, 8)}`,
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-secret-key',
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
    })) {
      vi.stubEnv(name, value);
    }
    output = captureOutput();
  });

  afterAll(async () => {
    output?.restore();
    vi.unstubAllEnvs();
    await cloudwatch?.close();
    await sns?.close();
    const { lambdaDatabase } = await import('../../../lambdas/shared/lambda-database');
    await (await lambdaDatabase().catch(() => undefined))?.end();
    await server?.stop();
  });

  it('runs a whole evaluation: the seeded rule fires, its state and outbox are written and it is published', async () => {
    // Prepare
    const { handler } = await import('../../../lambdas/alert-evaluator/handler');

    // Act
    const summary = await handler(scheduledEvent(), lambdaContext('signupflow-test-alert-evaluator'));

    // Assess
    expect(summary).toMatchObject({ rulesEvaluated: 1, firing: 1, published: 1, inError: 0 });
    expect(sns.requests).toHaveLength(1);
  });

  it.each([
    ['change a rule', "UPDATE alert_rules SET threshold = 99 WHERE id = 'alert_rule_high_error_rate'"],
    ['add an event', "INSERT INTO events (organization_id, title, starts_at) VALUES ('x', 'y', now())"],
    ['drop a table', 'DROP TABLE alert_notifications'],
    ['rewrite the migrations record', 'DELETE FROM schema_migrations'],
  ])('may not %s', async (_what, sql) => {
    // Prepare
    const client = new pg.Client({ connectionString: roleUrl() });
    await client.connect();

    // Act
    const attempt = client.query(sql);

    // Assess
    await expect(attempt).rejects.toMatchObject({ code: '42501' });
    await client.end();
  });
});
