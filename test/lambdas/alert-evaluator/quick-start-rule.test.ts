import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluatorHarness } from './evaluator-harness';

/** The quick start's step "Configure alert rules", character for character. */
const QUICK_START_INSERT = `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, notification_channels)
VALUES ('alert_rule_high_error_rate', 'High Error Rate', 'error_rate', '>', 10.0, 'critical', '["slack", "email"]');`;

describe("the quick start's high error rate rule", () => {
  const harness = new EvaluatorHarness();
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());

  it('is seeded by the migrations', async () => {
    const { rows } = await harness.sqlExec('SELECT id, metric_name, threshold, severity FROM alert_rules');
    expect(rows).toEqual([
      { id: 'alert_rule_high_error_rate', metric_name: 'error_rate', threshold: 10, severity: 'critical' },
    ]);
  });

  it('inserted with its own SQL, fires when 5xx exceed 10% and resolves when they drop, one message each', async () => {
    // Prepare
    await harness.onlyRules(QUICK_START_INSERT);
    harness.now = new Date('2026-11-30T10:00:05Z');
    const minutes: [requests: number, errors: number][] = [
      [1000, 20],
      [1000, 150],
      [1000, 200],
      [1000, 120],
      [1000, 300],
      [1000, 10],
      [1000, 0],
      [1000, 5],
      [1000, 0],
    ];
    // Act
    const states: string[] = [];
    for (const [requests, errors] of minutes) {
      harness.putRequests(1, requests, errors);
      await harness.run();
      states.push(String((await harness.state('alert_rule_high_error_rate'))?.state));
      harness.advanceMinutes(1);
    }
    // Assess: 3 of 3 minutes above 10% fire; the first good minute makes 3 of 3 impossible and resolves
    expect(states).toEqual(['OK', 'PENDING', 'PENDING', 'FIRING', 'FIRING', 'OK', 'OK', 'OK', 'OK']);
    const messages = harness.published();
    expect(messages.map((message) => message.state)).toEqual(['FIRING', 'RESOLVED']);
    expect(messages[0]).toMatchObject({
      ruleName: 'High Error Rate',
      metric: 'error_rate',
      unit: '%',
      currentValue: 12,
      condition: '>',
      threshold: 10,
      severity: 'critical',
      channels: ['slack', 'email'],
    });
    expect(harness.accepted[0]?.Subject).toBe('CRITICAL FIRING: High Error Rate');
    expect(harness.accepted[0]?.MessageAttributes?.channels).toEqual({
      DataType: 'String.Array',
      StringValue: '["slack","email"]',
    });
    expect(messages[1]).toMatchObject({
      state: 'RESOLVED',
      currentValue: 1,
      dedupKey: messages[0]?.dedupKey,
    });
  });

  it('asks CloudWatch for the two API Gateway metrics once, aligned to the minute, the filling minute left out', async () => {
    // Prepare: a warning rule on the same metric shares the query
    await harness.onlyRules(
      QUICK_START_INSERT,
      `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity)
       VALUES ('error_rate_warning', 'Raised error rate', 'error_rate', '>', 2, 'warning')`,
    );
    harness.cloudwatch.requests.length = 0;
    harness.now = new Date('2026-11-30T11:30:42Z');
    // Act
    const summary = await harness.run();
    // Assess
    expect(summary.distinctQueries).toBe(1);
    expect(harness.cloudwatch.requests).toHaveLength(1);
    const [request] = harness.cloudwatch.requests;
    expect(request?.EndTime).toEqual(new Date('2026-11-30T11:30:00Z'));
    expect(request?.StartTime).toEqual(new Date('2026-11-30T11:25:00Z'));
    const metricNames = request?.MetricDataQueries?.map(
      (query) => query.MetricStat?.Metric?.MetricName ?? query.Expression,
    );
    expect(metricNames).toEqual(['5xx', 'Count', '100 * FILL(m0, 0) / m1']);
  });
});
