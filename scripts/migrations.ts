import path from 'node:path';
import { applyMigrations as applyMigrationsIn } from '../lambdas/schema-migrator/migration-runner';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

/**
 * `npm run migrate` and the tests: the runner the deploy's schema step uses (`lambdas/schema-migrator/`), on
 * this repository's `migrations/`. Returns the names applied by this run.
 */
export function applyMigrations(connectionString: string, directory = MIGRATIONS_DIR): Promise<string[]> {
  return applyMigrationsIn(connectionString, directory);
}
