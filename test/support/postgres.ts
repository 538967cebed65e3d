import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../scripts/migrations';

/** The server the tests use; the database in it is only used to create and drop one database per file. */
export const TEST_POSTGRES_URL =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh database with the repository's migrations applied, dropped again by `drop()`. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `signupflow_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return { url: url.toString(), name, drop: () => dropDatabase(name) };
}

/** How long a drop waits for the database's connections to close by themselves before it ends them. */
const CLOSING_WAIT_MS = 500;

/**
 * Drops a test database, its connections with it. pg-pool's `end()` resolves once its clients are told to
 * end, before their connections have closed: a FORCE drop right after it terminates a backend mid-goodbye,
 * and the test process gets an unhandled 57P01. Closing connections go within milliseconds, so the drop
 * waits for them first; a Lambda module's pool that stays open is ended by the drop after the wait.
 */
async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    const deadline = Date.now() + CLOSING_WAIT_MS;
    while (Date.now() < deadline) {
      const { rows } = await client.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      if (rows[0]?.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
