import { ScheduledEventSchema } from '../shared/scheduled-event';
import { aggregatedMetrics, withObservability } from '../shared/with-observability';
import type { RunSummary } from './run-evaluation';
import { recordRun } from './run-metrics';

export const handler = withObservability(async (event: unknown): Promise<RunSummary> => {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) throw new Error('Unsupported event: expected an EventBridge scheduled event');

  const startedAt = performance.now();
  // The SDK clients, pg, ioredis and the InfluxDB client are evaluated at the first run instead of at INIT
  // (esbuild defers a dynamically imported module's evaluation): the same work, but INIT stays small.
  const { evaluateNow } = await import('./evaluation-run');
  const summary = await evaluateNow();
  recordRun(aggregatedMetrics, summary, (performance.now() - startedAt) / 1_000);
  return summary;
});
