import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { selfTest } from '../../../lambdas/alert-evaluator/self-test';
import { ensureMonitoringRole } from '../../../lambdas/schema-migrator/monitoring-role';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { SELF_TEST_ALERT_TYPE, selfTestAlertSchema } from '../../../lambdas/shared/self-test-alert';
import {
  type AwsStandIn,
  awsJsonError,
  awsQueryError,
  notAuthorized,
  startAwsStandIn,
} from '../../support/aws-wire';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { type InfluxStandIn, startInfluxServer } from '../../support/influxdb-server';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import {
  outline,
  resultFor,
  secretsManagerDenied,
  stubSelfTestEnv,
  testSecretArn,
} from '../../support/self-test';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';
import { cloudWatchWireStandIn, snsWireStandIn, type WireStandIn } from './aws-wire-stand-ins';
import { TOPIC_ARN } from './evaluator-harness';

const INFLUX_SECRET = testSecretArn('influxdb-token');
const TEST_ALERT_ID = 'verify-20261208-7f3a9c';
const secretsManager = mockClient(SecretsManagerClient);

/** The Publish requests' message attributes, as the SDK wrote them in the Query protocol's form fields. */
function messageAttributes(
  form: Record<string, unknown>,
): Record<string, { DataType: string; StringValue: string }> {
  const attributes: Record<string, { DataType: string; StringValue: string }> = {};
  for (let entry = 1; `MessageAttributes.entry.${entry}.Name` in form; entry += 1) {
    const prefix = `MessageAttributes.entry.${entry}`;
    attributes[form[`${prefix}.Name`] as string] = {
      DataType: form[`${prefix}.Value.DataType`] as string,
      StringValue: form[`${prefix}.Value.StringValue`] as string,
    };
  }
  return attributes;
}

describe("the alert evaluator's self-test: everything a run reaches, and the test alert", () => {
  let database: TestDatabase;
  let cloudwatch: WireStandIn;
  let sns: WireStandIn;
  let influx: InfluxStandIn;
  let sentry: SentryStandIn;
  let hung: HungServer | undefined;
  let refusing: AwsStandIn | undefined;
  const role = `selftest_monitoring_${randomUUID().replaceAll('-', '').slice(0, 8)}`;

  /** The database as the monitoring role, which holds exactly the grants the schema step gives it. */
  const asMonitoringRole = () => {
    const url = new URL(database.url);
    url.username = role;
    return url.toString();
  };
  const adminQuery = async (sql: string) => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };

  /** A stage with every dependency the evaluator can have: InfluxDB and Sentry too. */
  const everything = (env: Record<string, string | undefined> = {}) =>
    stubSelfTestEnv({
      DATABASE_URL: asMonitoringRole(),
      REDIS_URL: 'redis://127.0.0.1:6379',
      ALERT_TOPIC_ARN: TOPIC_ARN,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      INFLUXDB_URL: influx.url,
      INFLUXDB_TOKEN_SECRET_ARN: INFLUX_SECRET,
      SENTRY_DSN: sentry.dsn,
      ...env,
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await ensureMonitoringRole(admin, { name: role, password: 'trust-auth-ignores-it' });
    await admin.end();
    // Three runs of the evaluator in the last 15 minutes: the SampleCount of their durations
    cloudwatch = await cloudWatchWireStandIn((_query, endTime) => ({
      Timestamps: [endTime - 900],
      Values: [3],
    }));
    sns = await snsWireStandIn();
    influx = await startInfluxServer();
    sentry = await startSentryStandIn();
  });

  beforeEach(() => {
    secretsManager.reset();
    secretsManager
      .on(GetSecretValueCommand, { SecretId: INFLUX_SECRET })
      .resolves({ SecretString: influx.token });
    sns.requests.length = 0;
    cloudwatch.requests.length = 0;
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await hung?.close();
    hung = undefined;
    await refusing?.close();
    refusing = undefined;
  });

  afterAll(async () => {
    secretsManager.restore();
    await Promise.all([cloudwatch.close(), sns.close(), influx.close(), sentry.close()]);
    await database.drop();
    const admin = new pg.Client({ connectionString: new URL('/postgres', database.url).toString() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('reports every dependency reached when all is well, and returns the test alert’s SNS message id', async () => {
    // Prepare
    everything();

    // Act
    const report = await selfTest({ testAlertId: TEST_ALERT_ID });

    // Assess
    expect(report.selfTest.function).toBe('alert-evaluator');
    expect(outline(report)).toEqual([
      ['Postgres', true],
      ['Redis', true],
      ['CloudWatch', true],
      ['Secrets Manager', true],
      ['InfluxDB', true],
      ['SNS', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Postgres').detail).toBe('1 rule, state and outbox writable');
    expect(resultFor(report, 'CloudWatch')).toMatchObject({
      target: 'monitoring.eu-west-1.amazonaws.com',
      detail: 'GetMetricData answered: 3 runs in the last 15 min',
    });
    expect(resultFor(report, 'InfluxDB')).toMatchObject({
      target: new URL(influx.url).host,
      detail: 'reachable, HTTP 200',
    });
    expect(report.selfTest.testAlert).toEqual({ id: TEST_ALERT_ID, messageId: 'm-1' });
  });

  it("asks CloudWatch for the SampleCount of its own runs' durations", async () => {
    everything();

    await selfTest({});

    expect(cloudwatch.requests).toHaveLength(1);
    expect(cloudwatch.requests[0]).toMatchObject({
      target: 'GraniteServiceVersion20100801.GetMetricData',
      MetricDataQueries: [
        {
          MetricStat: {
            Metric: {
              Namespace: 'SignUpFlow/test',
              MetricName: 'alert_evaluation_duration_seconds',
              Dimensions: [{ Name: 'service', Value: 'signupflow' }],
            },
            Period: 900,
            Stat: 'SampleCount',
          },
        },
      ],
    });
  });

  it('publishes the test alert once, for Slack only, as the self-test message the notifier recognises', async () => {
    // Prepare
    everything();

    // Act
    await selfTest({ testAlertId: TEST_ALERT_ID });

    // Assess
    expect(sns.requests).toHaveLength(1);
    const publish = sns.requests[0] as Record<string, string>;
    expect(publish).toMatchObject({
      Action: 'Publish',
      TopicArn: TOPIC_ARN,
      Subject: 'Self-test of the alert path (test)',
    });
    // channels ["slack"]: the e-mail subscriptions' filter policy (channels allowlist ["email"]) drops it
    expect(messageAttributes(publish)).toEqual({
      channels: { DataType: 'String.Array', StringValue: '["slack"]' },
      type: { DataType: 'String', StringValue: SELF_TEST_ALERT_TYPE },
    });
    expect(selfTestAlertSchema.parse(JSON.parse(publish.Message as string))).toMatchObject({
      id: TEST_ALERT_ID,
      service: 'signupflow',
      stage: 'test',
    });
  });

  it('publishes nothing when verify asks for no test alert', async () => {
    everything();

    const report = await selfTest({});

    expect(sns.requests).toHaveLength(0);
    expect(report.selfTest.checks.map((check) => check.dependency)).not.toContain('SNS');
    expect(report.selfTest.testAlert).toBeUndefined();
  });

  it('fails the test alert as config, publishing nothing, when ALERT_TOPIC_ARN is not set', async () => {
    everything({ ALERT_TOPIC_ARN: undefined });

    const report = await selfTest({ testAlertId: TEST_ALERT_ID });

    expect(resultFor(report, 'SNS')).toMatchObject({ ok: false, failure: { kind: 'config' } });
    expect(sns.requests).toHaveLength(0);
    expect(report.selfTest.testAlert).toBeUndefined();
  });

  it('fails the test alert as denied, with no message id, when SNS refuses the publish', async () => {
    // Prepare
    refusing = await startAwsStandIn(() =>
      awsQueryError(403, 'AuthorizationError', notAuthorized('SNS:Publish', TOPIC_ARN)),
    );
    everything({ AWS_ENDPOINT_URL_SNS: refusing.url });

    // Act
    const report = await selfTest({ testAlertId: TEST_ALERT_ID });

    // Assess
    expect(resultFor(report, 'SNS')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AuthorizationErrorException' },
    });
    expect(report.selfTest.testAlert).toBeUndefined();
  });

  it('fails CloudWatch as denied when IAM refuses GetMetricData', async () => {
    refusing = await startAwsStandIn(() =>
      awsJsonError(
        '1.0',
        400,
        'com.amazon.coral.service#AccessDeniedException',
        notAuthorized('cloudwatch:GetMetricData', '*'),
        {
          'x-amzn-query-error': 'AccessDenied;Sender',
        },
      ),
    );
    everything({ AWS_ENDPOINT_URL_CLOUDWATCH: refusing.url });

    const report = await selfTest({});

    expect(resultFor(report, 'CloudWatch')).toMatchObject({ ok: false, failure: { kind: 'denied' } });
  });

  it('fails CloudWatch and SNS as timeouts within the deadline when their endpoints accept and never answer', async () => {
    // Prepare: no route to the APIs looks like this from inside a VPC without a NAT or endpoint
    hung = await startHungServer();
    const endpoint = `http://127.0.0.1:${hung.port}`;
    everything({ AWS_ENDPOINT_URL_CLOUDWATCH: endpoint, AWS_ENDPOINT_URL_SNS: endpoint });

    // Act
    const report = await selfTest({ testAlertId: TEST_ALERT_ID });

    // Assess: the SDK's own request timeout (not only the check's deadline) ended both requests
    for (const dependency of ['CloudWatch', 'SNS']) {
      const result = resultFor(report, dependency);
      expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout', code: 'ETIMEDOUT' } });
      expect(result.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS);
    }
    expect(report.selfTest.testAlert).toBeUndefined();
    const server = hung;
    await vi.waitFor(() => expect(server.open).toBe(0), { timeout: 1_000 });
  });

  it('fails Postgres as denied, naming the privilege, when the role may not update the rules’ state', async () => {
    // Prepare
    await adminQuery(`REVOKE UPDATE ON alert_rule_state FROM ${role}`);
    everything();

    // Act
    let report: Awaited<ReturnType<typeof selfTest>>;
    try {
      report = await selfTest({});
    } finally {
      await adminQuery(`GRANT UPDATE ON alert_rule_state TO ${role}`);
    }

    // Assess
    const postgres = resultFor(report, 'Postgres');
    expect(postgres).toMatchObject({ ok: false, failure: { kind: 'denied', code: '42501' } });
    expect(postgres.failure?.message).toContain('UPDATE on alert_rule_state');
  });

  it('fails Postgres as denied when the role may not delete claimed notifications', async () => {
    await adminQuery(`REVOKE DELETE ON alert_notifications FROM ${role}`);
    everything();

    let report: Awaited<ReturnType<typeof selfTest>>;
    try {
      report = await selfTest({});
    } finally {
      await adminQuery(`GRANT DELETE ON alert_notifications TO ${role}`);
    }

    expect(resultFor(report, 'Postgres').failure?.message).toContain('DELETE on alert_notifications');
  });

  it('fails Postgres as denied when the role may not read the rules', async () => {
    await adminQuery(`REVOKE SELECT ON alert_rules FROM ${role}`);
    everything();

    let report: Awaited<ReturnType<typeof selfTest>>;
    try {
      report = await selfTest({});
    } finally {
      await adminQuery(`GRANT SELECT ON alert_rules TO ${role}`);
    }

    expect(resultFor(report, 'Postgres')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', message: 'permission denied for table alert_rules' },
    });
  });

  it('fails Redis as refused when nothing listens on its port', async () => {
    everything({ REDIS_URL: `redis://127.0.0.1:${await closedPort()}` });

    const report = await selfTest({});

    expect(resultFor(report, 'Redis')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });

  it('fails InfluxDB as http when its /health answers 503', async () => {
    influx.respondWith(503, { name: 'influxdb', status: 'fail' });
    everything();

    const report = await selfTest({});

    expect(resultFor(report, 'InfluxDB')).toMatchObject({
      ok: false,
      failure: { kind: 'http', code: '503' },
    });
  });

  it('fails InfluxDB as refused when nothing listens on its port', async () => {
    everything({ INFLUXDB_URL: `http://127.0.0.1:${await closedPort()}` });

    const report = await selfTest({});

    expect(resultFor(report, 'InfluxDB')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });

  it('fails InfluxDB as config when INFLUXDB_URL has no scheme, and still reports the other checks', async () => {
    everything({ INFLUXDB_URL: 'influxdb.internal:8086' });

    const report = await selfTest({});

    expect(resultFor(report, 'InfluxDB')).toMatchObject({
      ok: false,
      failure: { kind: 'config', message: 'INFLUXDB_URL is not an http(s) URL' },
    });
    expect(resultFor(report, 'Postgres').ok).toBe(true);
  });

  it("fails InfluxDB's token secret as denied when IAM refuses the read", async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: INFLUX_SECRET })
      .rejects(secretsManagerDenied(INFLUX_SECRET));
    everything();

    const report = await selfTest({});

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      target: 'secretsmanager.eu-west-1.amazonaws.com (signupflow/test/influxdb-token)',
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
  });

  it('fails Sentry as refused when its host takes no connection', async () => {
    everything({ SENTRY_DSN: `http://publickey@127.0.0.1:${await closedPort()}/1` });

    const report = await selfTest({});

    expect(resultFor(report, 'Sentry')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });
});
