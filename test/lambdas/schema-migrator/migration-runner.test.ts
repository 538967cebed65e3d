import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, MigrationError } from '../../../lambdas/schema-migrator/migration-runner';
import { MIGRATIONS_DIR } from '../../../scripts/migrations';
import { TEST_POSTGRES_URL } from '../../support/postgres';

/** An empty database of this test's own (no migrations applied), and a copy of migrations/ it may edit. */
describe('the migration runner', () => {
  let name: string;
  let url: string;
  let directory: string;

  beforeEach(async () => {
    name = `signupflow_runner_${Math.random().toString(36).slice(2, 10)}`;
    await admin(`CREATE DATABASE ${name}`);
    const target = new URL(TEST_POSTGRES_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    directory = mkdtempSync(path.join(os.tmpdir(), 'signupflow-migrations-'));
    cpSync(MIGRATIONS_DIR, directory, { recursive: true });
  });

  afterEach(async () => {
    rmSync(directory, { recursive: true, force: true });
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('applies every migration once, in name order, and nothing on a second run', async () => {
    // Act
    const first = await applyMigrations(url, directory);
    const second = await applyMigrations(url, directory);

    // Assess
    expect(first).toEqual([...first].sort());
    expect(first[0]).toBe('001_events.sql');
    expect(second).toEqual([]);
  });

  it('records the SHA-256 of each migration it applies', async () => {
    // Act
    await applyMigrations(url, directory);

    // Assess
    const rows = await query<{ name: string; checksum: string }>(
      url,
      'SELECT name, checksum FROM schema_migrations',
    );
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses, by name and before running anything, a migration edited after it was applied', async () => {
    // Prepare: applied, then edited, and a new migration waiting behind it
    await applyMigrations(url, directory);
    writeFileSync(path.join(directory, '001_events.sql'), '-- edited\nSELECT 1;\n');
    writeFileSync(path.join(directory, '999_new.sql'), 'CREATE TABLE runner_new (id int);');

    // Act
    const run = applyMigrations(url, directory);

    // Assess
    await expect(run).rejects.toThrow(MigrationError);
    await expect(applyMigrations(url, directory)).rejects.toThrow(
      /Migration 001_events\.sql was edited after it was applied .* put the change in a new migration/,
    );
    expect(await query(url, "SELECT 1 FROM schema_migrations WHERE name = '999_new.sql'")).toEqual([]);
  });

  it('takes the file as applied when the record predates checksums, and holds it to that from then on', async () => {
    // Prepare: a database migrated by the runner before checksums were kept
    await applyMigrations(url, directory);
    await query(url, 'UPDATE schema_migrations SET checksum = NULL');

    // Act
    await applyMigrations(url, directory);
    writeFileSync(path.join(directory, '002_alert_rules.sql'), '-- edited later\n');

    // Assess
    const rows = await query<{ checksum: string | null }>(url, 'SELECT checksum FROM schema_migrations');
    expect(rows.every((row) => row.checksum !== null)).toBe(true);
    await expect(applyMigrations(url, directory)).rejects.toThrow(/002_alert_rules\.sql was edited/);
  });

  it('rolls a failing migration back whole, names it, and keeps the ones before it', async () => {
    // Prepare
    writeFileSync(
      path.join(directory, '998_half.sql'),
      'CREATE TABLE half_done (id int);\nSELECT no_such_column FROM half_done;',
    );

    // Act
    const run = applyMigrations(url, directory);

    // Assess
    await expect(run).rejects.toThrow(
      /^Migration 998_half\.sql failed: column "no_such_column" does not exist/,
    );
    expect(await query(url, "SELECT to_regclass('half_done') AS t")).toEqual([{ t: null }]);
    expect(await query(url, "SELECT 1 AS one FROM schema_migrations WHERE name = '001_events.sql'")).toEqual([
      { one: 1 },
    ]);
  });

  it('reads only NNN_name.sql files: notes and editor leftovers beside them are not run', async () => {
    // Prepare
    writeFileSync(path.join(directory, 'README.sql'), 'DROP TABLE events;');
    writeFileSync(path.join(directory, '007_draft.sql~'), 'DROP TABLE events;');

    // Act
    const applied = await applyMigrations(url, directory);

    // Assess
    expect(applied.every((file) => /^\d{3}_[a-z0-9_]+\.sql$/.test(file))).toBe(true);
    expect(await query(url, "SELECT to_regclass('events') IS NOT NULL AS present")).toEqual([
      { present: true },
    ]);
  });
});

async function admin(sql: string): Promise<void> {
  await query(TEST_POSTGRES_URL, sql);
}

async function query<Row extends Record<string, unknown>>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}
