import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

/** An arbitrary constant: concurrent runs (a deploy, `npm run migrate`, test files) take turns on one database. */
const MIGRATION_LOCK_ID = 7_310_001;

/** Migrations are `NNN_name.sql`, applied in name order. */
const MIGRATION_FILE = /^\d{3}_[a-z0-9_]+\.sql$/;

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * Runs `work` holding the migration lock of this database: a deploy's migration and an operator's
 * `npm run migrate` never interleave. The lock is the session's and ends with it at the latest.
 */
export async function withMigrationLock<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
  try {
    return await work();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
  }
}

/**
 * Applies the SQL files of `directory` that `schema_migrations` does not list, in name order, each once and in
 * its own transaction, recording its SHA-256. A file edited after it was applied is refused by name, before
 * anything runs: its change would reach new databases and never the ones it already ran on. Returns the
 * names applied by this run. The caller holds the migration lock (`withMigrationLock`).
 */
export async function migrate(client: pg.ClientBase, directory: string): Promise<string[]> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
  );
  await client.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text');
  const { rows } = await client.query<{ name: string; checksum: string | null }>(
    'SELECT name, checksum FROM schema_migrations',
  );
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));
  const files = await migrationFiles(directory);

  for (const file of files) {
    if (!applied.has(file.name)) continue;
    const recorded = applied.get(file.name);
    if (recorded === null) {
      // Applied before checksums were kept: the file as it is now is taken to be what ran.
      await client.query('UPDATE schema_migrations SET checksum = $2 WHERE name = $1', [
        file.name,
        file.checksum,
      ]);
    } else if (recorded !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was edited after it was applied (its SHA-256 is ${file.checksum.slice(0, 12)}…, ${recorded?.slice(0, 12)}… was applied): restore it and put the change in a new migration`,
      );
    }
  }

  const pending = files.filter((file) => !applied.has(file.name));
  for (const file of pending) {
    await client.query('BEGIN');
    try {
      await client.query(file.sql);
      await client.query('INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)', [
        file.name,
        file.checksum,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw new MigrationError(`Migration ${file.name} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  return pending.map((file) => file.name);
}

/** Connects, applies the pending migrations under the lock, and disconnects. */
export async function applyMigrations(
  connection: string | pg.ClientConfig,
  directory: string,
): Promise<string[]> {
  const client = new pg.Client(
    typeof connection === 'string' ? { connectionString: connection } : connection,
  );
  await client.connect();
  try {
    return await withMigrationLock(client, () => migrate(client, directory));
  } finally {
    await client.end();
  }
}

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

async function migrationFiles(directory: string): Promise<MigrationFile[]> {
  const names = (await readdir(directory)).filter((name) => MIGRATION_FILE.test(name)).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(directory, name), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}
