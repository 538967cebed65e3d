import type { MetricAggregator } from '../shared/metric-aggregator';
import type { RunSummary } from './run-evaluation';

/**
 * The run's own health, written at once: the not-running alarm reads the duration's SampleCount as the count
 * of runs (missing data is breaching). Failures are written only when there are some: their alarms read no
 * data as none, and a metric with data in every hour is billed as a whole custom metric.
 * `alert_notifications_failed` counts every notification a run could not publish: refused for now, refused
 * for good, and expired (the publish-failing alarm reads it); expiries have a metric of their own too.
 */
export function recordRun(metrics: MetricAggregator, summary: RunSummary, seconds: number): void {
  const dimensions = {};
  metrics.add('alert_evaluation_duration_seconds', 'Seconds', seconds, dimensions);
  metrics.add('alert_rules_evaluated', 'Count', summary.rulesEvaluated, dimensions);
  metrics.add('alert_rules_firing', 'Count', summary.firing, dimensions);
  if (summary.inError > 0) metrics.add('alert_rules_in_error', 'Count', summary.inError, dimensions);
  const failed = summary.publishFailed + summary.refused + summary.expired;
  if (failed > 0) metrics.add('alert_notifications_failed', 'Count', failed, dimensions);
  if (summary.expired > 0) metrics.add('alert_notifications_expired', 'Count', summary.expired, dimensions);
  metrics.flush();
}
