import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { MONITORING_GRANTS } from '../schema-migrator/monitoring-grants';
import { SELF_TEST_AWS_CLIENT_CONFIG } from '../shared/self-test/aws-clients';
import { monitoringDatabaseChecks } from '../shared/self-test/database-checks';
import type { DependencyCheck } from '../shared/self-test/dependency-checks';
import { CheckConfigError } from '../shared/self-test/failure';
import {
  awsHost,
  httpsCheck,
  misconfiguredCheck,
  secretCheck,
  sentryChecks,
} from '../shared/self-test/probes';
import { redisChecks } from '../shared/self-test/redis-checks';
import { SELF_TEST_CHECK_TIMEOUT_MS, type SelfTestReport, selfTestReport } from '../shared/self-test/report';
import type { SelfTestRequest } from '../shared/self-test/self-test-event';
import { SELF_TEST_ALERT_TYPE, type SelfTestAlert, selfTestAlertAttributes } from '../shared/self-test-alert';

type Env = Record<string, string | undefined>;

/** Written once per finished run (`run-metrics.ts`): its SampleCount counts the runs. */
const RUN_DURATION_METRIC = 'alert_evaluation_duration_seconds';

/**
 * Everything a run reaches: the rules as the monitoring role (and that it may write state and the outbox),
 * Redis, CloudWatch, InfluxDB when configured, Sentry; and, when verify asks, one test alert published to
 * the alert topic, whose message id verify then looks for in the Slack notifier's log.
 */
export async function selfTest(request: SelfTestRequest, env: Env = process.env): Promise<SelfTestReport> {
  const published: { messageId?: string } = {};
  const report = await selfTestReport('alert-evaluator', [
    ...monitoringDatabaseChecks(RULES_AND_WRITES_SQL, describeRulesAndWrites, env),
    ...redisChecks(SELF_TEST_CHECK_TIMEOUT_MS, env),
    cloudWatchCheck(env),
    ...influxDbChecks(env),
    ...(request.testAlertId ? [testAlertCheck(request.testAlertId, env, published)] : []),
    ...sentryChecks(env),
  ]);
  if (request.testAlertId && published.messageId) {
    report.selfTest.testAlert = { id: request.testAlertId, messageId: published.messageId };
  }
  return report;
}

/** The tables a run writes (rule state, the outbox, the export watermarks) and what it does to each. */
const RUN_WRITES = ['alert_rule_state', 'alert_notifications', 'metrics_export_state'].flatMap((table) =>
  (MONITORING_GRANTS[table] ?? []).map((privilege) => ({ table, privilege })),
);

/**
 * The rules as the role reads them, and each privilege a run needs that the role lacks. One privilege per
 * `has_table_privilege` call: given a list, it answers whether the role holds any of them, not all.
 */
const RULES_AND_WRITES_SQL = `SELECT count(*)::int AS rules,
  array_remove(ARRAY[${RUN_WRITES.map(
    ({ table, privilege }) =>
      `CASE WHEN has_table_privilege('${table}', '${privilege}') THEN NULL ELSE '${privilege} on ${table}' END`,
  ).join(', ')}]::text[], NULL) AS missing
FROM alert_rules`;

function describeRulesAndWrites(rows: Record<string, unknown>[]): string {
  const [row] = rows;
  const missing = (row?.missing ?? []) as string[];
  if (missing.length > 0) {
    throw Object.assign(new Error(`may read alert_rules but lacks ${missing.join(', ')}`), { code: '42501' });
  }
  return `${row?.rules} rule${row?.rules === 1 ? '' : 's'}, state and outbox writable`;
}

/** One GetMetricData call for the evaluator's own runs of the last 15 minutes: the API and the grant. */
function cloudWatchCheck(env: Env): DependencyCheck {
  const client = new CloudWatchClient(SELF_TEST_AWS_CLIENT_CONFIG);
  return {
    dependency: 'CloudWatch',
    target: awsHost('monitoring', env),
    run: async (signal) => {
      const now = Date.now();
      const { MetricDataResults } = await client.send(
        new GetMetricDataCommand({
          StartTime: new Date(now - 15 * 60_000),
          EndTime: new Date(now),
          MetricDataQueries: [
            {
              Id: 'runs',
              MetricStat: {
                Metric: {
                  Namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'SignUpFlow',
                  MetricName: RUN_DURATION_METRIC,
                  Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME ?? 'signupflow' }],
                },
                Period: 900,
                Stat: 'SampleCount',
              },
            },
          ],
        }),
        { abortSignal: signal },
      );
      const runs = MetricDataResults?.[0]?.Values?.reduce((sum, value) => sum + value, 0) ?? 0;
      return `GetMetricData answered: ${runs} runs in the last 15 min`;
    },
  };
}

/**
 * The token's secret and InfluxDB's /health, when the stage mirrors metrics to InfluxDB. An INFLUXDB_URL that is
 * no http(s) URL (`influxdb.internal:8086`, without its scheme) is that check's failure, not the self-test's.
 */
function influxDbChecks(env: Env): DependencyCheck[] {
  if (!env.INFLUXDB_URL) return [];
  const health = URL.canParse('/health', env.INFLUXDB_URL) ? new URL('/health', env.INFLUXDB_URL) : undefined;
  return [
    ...(env.INFLUXDB_TOKEN_SECRET_ARN
      ? [secretCheck(env.INFLUXDB_TOKEN_SECRET_ARN, () => 'holds a token')]
      : []),
    health?.protocol === 'https:' || health?.protocol === 'http:'
      ? httpsCheck({
          dependency: 'InfluxDB',
          url: health.toString(),
          method: 'GET',
          accept: (status) => status === 200,
        })
      : misconfiguredCheck('InfluxDB', 'INFLUXDB_URL', 'INFLUXDB_URL is not an http(s) URL'),
  ];
}

/** Publishes the test alert; the check passes when SNS accepts it. */
function testAlertCheck(id: string, env: Env, published: { messageId?: string }): DependencyCheck {
  const client = new SNSClient(SELF_TEST_AWS_CLIENT_CONFIG);
  return {
    dependency: 'SNS',
    target: awsHost('sns', env),
    run: async (signal) => {
      const topicArn = env.ALERT_TOPIC_ARN;
      if (!topicArn) throw new CheckConfigError('ALERT_TOPIC_ARN is not set');
      const message: SelfTestAlert = {
        type: SELF_TEST_ALERT_TYPE,
        version: 1,
        id,
        service: env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
        stage: env.STAGE ?? 'local',
        sentAt: new Date().toISOString(),
      };
      const { MessageId } = await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: `Self-test of the alert path (${message.stage})`,
          Message: JSON.stringify(message),
          MessageAttributes: selfTestAlertAttributes(),
        }),
        { abortSignal: signal },
      );
      published.messageId = MessageId;
      return `test alert ${id} published (message ${MessageId})`;
    },
  };
}
