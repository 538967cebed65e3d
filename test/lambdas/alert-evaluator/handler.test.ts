import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type MetricsSnapshot, snapshotKey } from '../../../lambdas/shared/metrics-snapshot';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import {
  cloudWatchWireStandIn,
  evaluatorEnvironment,
  snsWireStandIn,
  type WireStandIn,
} from './aws-wire-stand-ins';
import { TOPIC_ARN } from './evaluator-harness';

describe('the alert evaluator handler, as EventBridge runs it', () => {
  const stage = `handler-${randomUUID().slice(0, 8)}`;
  let database: TestDatabase;
  let cloudwatch: WireStandIn;
  let sns: WireStandIn;
  let output: CapturedOutput;
  let handler: typeof import('../../../lambdas/alert-evaluator/handler').handler;

  beforeAll(async () => {
    database = await createTestDatabase();
    // 40% of 200 requests failed in every minute asked for
    cloudwatch = await cloudWatchWireStandIn(
      (query, endTime) => {
        const minutes = [1, 2, 3, 4, 5].map((back) => endTime - back * 60);
        if (query.MetricStat?.Metric.MetricName === 'http_request_duration_seconds') {
          // 7 requests a minute (the durations' SampleCount), each of 50 ms
          const value = query.MetricStat.Stat === 'SampleCount' ? 7 : 0.05;
          return { Timestamps: minutes, Values: minutes.map(() => value) };
        }
        // The quick start's rule asks 100 * 5xx / Count: only the expression's result comes back
        return { Timestamps: minutes, Values: minutes.map(() => 40) };
      },
      [
        {
          MetricName: 'http_request_duration_seconds',
          Dimensions: [
            { Name: 'service', Value: 'signupflow' },
            { Name: 'endpoint', Value: '/api/events' },
            { Name: 'method', Value: 'GET' },
            { Name: 'status_code', Value: '200' },
          ],
        },
      ],
    );
    sns = await snsWireStandIn();
    vi.resetModules();
    const environment = evaluatorEnvironment({
      databaseUrl: database.url,
      cloudwatchUrl: cloudwatch.url,
      snsUrl: sns.url,
      topicArn: TOPIC_ARN,
      stage,
    });
    for (const [name, value] of Object.entries({ ...environment, REDIS_URL: 'redis://127.0.0.1:6379' })) {
      vi.stubEnv(name, value);
    }
    ({ handler } = await import('../../../lambdas/alert-evaluator/handler'));
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    vi.unstubAllEnvs();
    await cloudwatch.close();
    await sns.close();
    await database.drop();
  });

  it('evaluates the seeded rule against AWS_ENDPOINT_URL_CLOUDWATCH and publishes to ALERT_TOPIC_ARN', async () => {
    // Act
    const summary = await handler(scheduledEvent(), lambdaContext('signupflow-test-alert-evaluator'));
    // Assess
    expect(summary).toMatchObject({ rulesEvaluated: 1, firing: 1, published: 1, metricCalls: 1 });
    expect(cloudwatch.requests.at(-1)?.target).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(sns.requests).toHaveLength(1);
    const publish = sns.requests[0] as Record<string, string>;
    expect(publish).toMatchObject({
      Action: 'Publish',
      TopicArn: TOPIC_ARN,
      Subject: 'CRITICAL FIRING: High Error Rate',
    });
    expect(JSON.parse(publish.Message as string)).toMatchObject({
      ruleId: 'alert_rule_high_error_rate',
      currentValue: 40,
      state: 'FIRING',
      stage,
    });
  });

  it('exports the metrics from the same GetMetricData call into the Redis snapshot /metrics serves', async () => {
    // Assess: the first run's export, read back from Redis
    const redis = new Redis({ host: '127.0.0.1', port: 6379 });
    const key = snapshotKey('signupflow', stage);
    const snapshot = JSON.parse((await redis.get(key)) ?? 'null') as MetricsSnapshot;
    await redis.del(key);
    redis.disconnect();
    expect(cloudwatch.requests.map((request) => String(request.target).split('.')[1])).toEqual([
      'ListMetrics',
      'GetMetricData',
    ]);
    expect(snapshot.families.find((family) => family.name === 'http_requests_total')?.samples).toEqual([
      { labels: { endpoint: '/api/events', method: 'GET', status_code: '200' }, value: 7 },
    ]);
  });

  it('writes its own metrics at once, so that a run that stops shows as missing data', () => {
    const run = output.emf().find((document) => 'alert_evaluation_duration_seconds' in document);
    expect(run).toMatchObject({
      alert_evaluation_duration_seconds: expect.any(Number),
      alert_rules_evaluated: 1,
      alert_rules_firing: 1,
    });
    // No failure, no failure metric: its alarm reads missing data as none
    expect(run).not.toHaveProperty('alert_rules_in_error');
    expect(run).not.toHaveProperty('alert_notifications_failed');
  });

  it('writes the rules in error when a run has some', async () => {
    // Prepare: a rule on a component the health check does not know
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      `INSERT INTO alert_rules (id, name, metric_name, metric_dimensions, condition, threshold, severity)
       VALUES ('cache', 'Cache down', 'health_status', '{"component": "cache"}', '<', 1, 'critical')`,
    );
    await client.end();
    const written = output.emf().length;
    // Act
    const summary = await handler(scheduledEvent(), lambdaContext('signupflow-test-alert-evaluator'));
    // Assess
    expect(summary).toMatchObject({ rulesEvaluated: 2, inError: 1 });
    const run = output
      .emf()
      .slice(written)
      .find((document) => 'alert_evaluation_duration_seconds' in document);
    expect(run).toMatchObject({ alert_rules_evaluated: 2, alert_rules_in_error: 1 });
  });

  it("keeps its own queries out of the database metrics, which describe the API's", () => {
    const names = output.emf().flatMap((document) => Object.keys(document));
    expect(names).toContain('alert_evaluation_duration_seconds');
    expect(names).not.toContain('db_query_duration_seconds');
    expect(names).not.toContain('db_connections_active');
  });

  it('refuses an event that is not a scheduled event', async () => {
    await expect(
      handler({ source: 'aws.s3' }, lambdaContext('signupflow-test-alert-evaluator')),
    ).rejects.toThrow('Unsupported event: expected an EventBridge scheduled event');
  });
});
