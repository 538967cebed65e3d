import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRIC_NAMES, resolveMetric } from '../../../lambdas/alert-evaluator/metric-catalogue';
import { parseRuleColumns } from '../../../lambdas/alert-evaluator/rule';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const VALID = {
  id: 'r1',
  name: 'Rule',
  metric_name: 'error_rate',
  condition: '>',
  threshold: 10,
  severity: 'critical',
};

describe('rules that are refused', () => {
  it.each([
    [{ metric_name: 'errors' }, 'metric_name: got "errors", expected one of error_rate, request_rate'],
    [{ condition: '=>' }, 'condition: got "=>", expected one of >, >=, <, <=, ==, !='],
    [{ threshold: 'ten' }, 'threshold: got "ten", expected a number'],
    [
      { notification_channels: ['slack', 'pager'] },
      'notification_channels.1: got "pager", expected one of slack, email',
    ],
    [{ severity: 'urgent' }, 'severity: got "urgent", expected one of critical, warning, info'],
    [
      { evaluation_periods: 2, datapoints_to_alarm: 3 },
      'datapoints_to_alarm: must not exceed evaluation_periods',
    ],
    [{ runbook_url: 'http://wiki/runbook' }, 'runbook_url: expected an https URL'],
  ])('by the rules validation: %j', (change, message) => {
    expect(() => parseRuleColumns({ ...VALID, ...change })).toThrow(message);
  });

  it("by the catalogue: the quick start's http_requests_total, which CloudWatch has as a SampleCount", () => {
    // Prepare: a rule on the counter's name in the stack's own namespace, and one in another namespace
    const rule = (namespace: string) => ({
      metricName: 'cloudwatch' as const,
      dimensions: {},
      statistic: 'Sum',
      cloudwatchNamespace: namespace,
      cloudwatchMetricName: 'http_requests_total',
    });
    // Act + Assess
    expect(() => resolveMetric(rule(DEPLOYMENT.namespace), DEPLOYMENT)).toThrow(
      'cloudwatch_metric_name: http_requests_total is not written to CloudWatch; the request count is http_request_duration_seconds with statistic SampleCount',
    );
    expect(resolveMetric(rule('Other/App'), DEPLOYMENT)).toMatchObject({
      metric: { namespace: 'Other/App', metricName: 'http_requests_total' },
    });
  });

  describe('by the database', () => {
    const harness = new EvaluatorHarness();
    beforeAll(() => harness.start());
    afterAll(() => harness.stop());

    it.each([
      [`'errors', '>', 10, 'critical', '["slack"]'`, 'alert_rules_metric_name_check'],
      [`'error_rate', '=>', 10, 'critical', '["slack"]'`, 'alert_rules_condition_check'],
      [`'error_rate', '>', 'ten', 'critical', '["slack"]'`, 'invalid input syntax for type double precision'],
      [`'error_rate', '>', 10, 'critical', '["slack", "pager"]'`, 'alert_rules_notification_channels_check'],
      [`'error_rate', '>', 10, 'urgent', '["slack"]'`, 'alert_rules_severity_check'],
    ])('INSERT ... VALUES (%s)', async (values, message) => {
      const insert = `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, notification_channels)
                      VALUES ('bad', 'Bad', ${values})`;
      await expect(harness.sqlExec(insert)).rejects.toThrow(message);
    });

    it('accepts every metric name of the catalogue, so that the CHECK and the code agree', async () => {
      for (const name of METRIC_NAMES) {
        const cloudwatch = name === 'cloudwatch';
        await harness.sqlExec(
          `INSERT INTO alert_rules (id, name, metric_name, cloudwatch_namespace, cloudwatch_metric_name, condition, threshold, severity)
           VALUES ($1, 'Rule', $1, $2, $3, '>', 1, 'info')`,
          [name, cloudwatch ? 'AWS/SQS' : null, cloudwatch ? 'NumberOfMessagesSent' : null],
        );
      }
      const { rows } = await harness.sqlExec(
        'SELECT count(*)::int AS n FROM alert_rules WHERE id = ANY($1)',
        [METRIC_NAMES],
      );
      expect(rows[0]?.n).toBe(METRIC_NAMES.length);
    });

    it('a bad row slipped into the table is that rule in ERROR; the others are evaluated', async () => {
      // Prepare: a row written before a check existed, and one whose dimension names no component
      await harness.onlyRules(
        `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity)
         VALUES ('latency', 'Slow', 'latency_p99', '>', 500, 'warning')`,
        `INSERT INTO alert_rules (id, name, metric_name, metric_dimensions, condition, threshold, severity)
         VALUES ('cache', 'Cache down', 'health_status', '{"component": "cache"}', '<', 1, 'critical')`,
      );
      await harness.sqlExec('ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_condition_check');
      await harness.sqlExec(
        `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity)
         VALUES ('old', 'Old rule', 'error_rate', '=>', 5, 'warning')`,
      );
      harness.put(seriesKey('AWS/ApiGateway', 'Latency', { ApiId: DEPLOYMENT.httpApiId as string }), 1, 900);
      // Act
      const summary = await harness.run();
      // Assess
      expect(summary).toMatchObject({ rulesEvaluated: 3, inError: 2, pending: 1 });
      expect((await harness.state('old'))?.error).toBe(
        'invalid rule: condition: got "=>", expected one of >, >=, <, <=, ==, !=',
      );
      expect((await harness.state('cache'))?.error).toBe(
        "metric_dimensions.component: got 'cache', expected one of database, redis",
      );
      expect(await harness.state('latency')).toMatchObject({
        state: 'PENDING',
        error: null,
        last_value: 900,
      });
      expect(harness.reports.map((report) => report.details.ruleId).sort()).toEqual(['cache', 'old']);
    });
  });
});
