import { createDatabase, type Database, type MetricRecorder } from './database';
import { aggregatedMetrics } from './with-observability';

let database: Promise<Database> | undefined;

/**
 * The Lambda environment's one database pool, created at first use and reused by warm invocations; its query
 * metrics go to `recorder` (the function's aggregator unless the function says otherwise, always the same).
 */
export function lambdaDatabase(recorder: MetricRecorder = aggregatedMetrics): Promise<Database> {
  database ??= createDatabase(recorder).catch((error: unknown) => {
    database = undefined; // the next invocation tries again instead of failing forever
    throw error;
  });
  return database;
}
