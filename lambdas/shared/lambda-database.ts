import { createDatabase, type Database } from './database';
import { aggregatedMetrics } from './with-observability';

let database: Promise<Database> | undefined;

/** The Lambda environment's one database pool, created at first use and reused by warm invocations. */
export function lambdaDatabase(): Promise<Database> {
  database ??= createDatabase(aggregatedMetrics).catch((error: unknown) => {
    database = undefined; // the next invocation tries again instead of failing forever
    throw error;
  });
  return database;
}
