import type { Context } from 'aws-lambda';
import { ScheduledEventSchema } from '../shared/scheduled-event';
import type { SelfTestReport } from '../shared/self-test/report';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { aggregatedMetrics, withObservability } from '../shared/with-observability';
import { recordRun } from './run-metrics';
import type { ScheduledRunSummary } from './scheduled-run';

/** Kept from the invocation's time for what follows the run: the metrics flush, a Sentry report. */
export const HANDLER_RESERVE_MS = 3_000;

export const handler = withObservability(
  async (event: unknown, context: Context): Promise<ScheduledRunSummary | SelfTestReport> => {
    if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest(event.selfTest);
    const parsed = ScheduledEventSchema.safeParse(event);
    if (!parsed.success) throw new Error('Unsupported event: expected an EventBridge scheduled event');

    const startedAt = performance.now();
    // The SDK clients, pg, ioredis and the InfluxDB client are evaluated at the first run instead of at INIT
    // (esbuild defers a dynamically imported module's evaluation): the same work, but INIT stays small.
    const { runWithProductionClients } = await import('./production-run');
    const summary = await runWithProductionClients(context.getRemainingTimeInMillis() - HANDLER_RESERVE_MS);
    recordRun(aggregatedMetrics, summary, (performance.now() - startedAt) / 1_000);
    return summary;
  },
);
