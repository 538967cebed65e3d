import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../lambdas/alert-evaluator/run-evaluation';
import { recordRun } from '../../../lambdas/alert-evaluator/run-metrics';
import { MetricAggregator } from '../../../lambdas/shared/metric-aggregator';
import { type CapturedOutput, captureOutput } from '../../support/output';

const CLEAN_RUN: RunSummary = {
  rulesEvaluated: 10,
  firing: 1,
  pending: 0,
  inError: 0,
  skippedByOverlap: 0,
  notificationsQueued: 0,
  superseded: 0,
  published: 0,
  publishFailed: 0,
  refused: 0,
  expired: 0,
  unsent: 0,
  distinctQueries: 9,
  metricCalls: 1,
  readTimedOut: false,
};

describe("the evaluator's own metrics", () => {
  let output: CapturedOutput;
  const aggregator = () =>
    new MetricAggregator(new Metrics({ namespace: 'SignUpFlow/test', serviceName: 'signupflow' }), {
      flushIntervalMs: 60_000,
    });
  afterEach(() => output?.restore());

  it('writes a clean run at once, without failure metrics: their alarms read no data as none', () => {
    // Prepare
    output = captureOutput();
    // Act
    recordRun(aggregator(), CLEAN_RUN, 0.8);
    // Assess
    const [run, ...more] = output.emf();
    expect(more).toEqual([]);
    expect(run).toMatchObject({
      alert_evaluation_duration_seconds: 0.8,
      alert_rules_evaluated: 10,
      alert_rules_firing: 1,
    });
    expect(run).not.toHaveProperty('alert_rules_in_error');
    expect(run).not.toHaveProperty('alert_notifications_failed');
  });

  it.each([
    [
      { inError: 2, publishFailed: 1 },
      { alert_rules_in_error: 2, alert_notifications_failed: 1 },
    ],
    [{ inError: 3, publishFailed: 0 }, { alert_rules_in_error: 3 }],
    [{ inError: 0, publishFailed: 4 }, { alert_notifications_failed: 4 }],
    [{ refused: 1 }, { alert_notifications_failed: 1 }],
    [
      { publishFailed: 1, expired: 2 },
      { alert_notifications_failed: 3, alert_notifications_expired: 2 },
    ],
  ])('writes the failures a run has, and only those: %j', (failures, written) => {
    // Prepare
    output = captureOutput();
    // Act
    recordRun(aggregator(), { ...CLEAN_RUN, ...failures }, 1.2);
    // Assess
    const [run] = output.emf();
    const failureMetrics = Object.fromEntries(
      Object.entries(run ?? {}).filter(([key]) =>
        ['alert_rules_in_error', 'alert_notifications_failed', 'alert_notifications_expired'].includes(key),
      ),
    );
    expect(failureMetrics).toEqual(written);
  });
});
