import { ScheduledEventSchema } from '../health/scheduled-event';
import { aggregatedMetrics, withObservability } from '../shared/with-observability';
import type { RunSummary } from './run-evaluation';

/**
 * The run's own health: the self-watch alarms read these (missing data is breaching). The duration's
 * SampleCount counts the runs, so no metric of its own does.
 */
function recordRun(summary: RunSummary, seconds: number): void {
  const dimensions = {};
  aggregatedMetrics.add('alert_evaluation_duration_seconds', 'Seconds', seconds, dimensions);
  aggregatedMetrics.add('alert_rules_evaluated', 'Count', summary.rulesEvaluated, dimensions);
  aggregatedMetrics.add('alert_rules_firing', 'Count', summary.firing, dimensions);
  aggregatedMetrics.add('alert_rules_in_error', 'Count', summary.inError, dimensions);
  aggregatedMetrics.add('alert_notifications_failed', 'Count', summary.publishFailed, dimensions);
  aggregatedMetrics.flush();
}

export const handler = withObservability(async (event: unknown): Promise<RunSummary> => {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) throw new Error('Unsupported event: expected an EventBridge scheduled event');

  const startedAt = performance.now();
  // The SDK clients, pg, ioredis and the InfluxDB client are evaluated at the first run instead of at INIT
  // (esbuild defers a dynamically imported module's evaluation): the same work, but INIT stays small.
  const { evaluateNow } = await import('./evaluation-run');
  const summary = await evaluateNow();
  recordRun(summary, (performance.now() - startedAt) / 1_000);
  return summary;
});
