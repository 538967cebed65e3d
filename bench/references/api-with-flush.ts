/**
 * The deployed API handler plus its environment's metric aggregator, bundled together so that the log-bytes
 * benchmark can force the flush that the 60 s timer would do, and count the EMF documents it writes.
 */
export { handler } from '../../lambdas/api/handler';
export { aggregatedMetrics } from '../../lambdas/shared/with-observability';
