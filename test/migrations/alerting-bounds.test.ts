import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERT_CHANNELS } from '../../lambdas/shared/alert-message';
import { applyMigrations, MIGRATIONS_DIR } from '../../scripts/migrations';
import { TEST_POSTGRES_URL } from '../support/postgres';

const MIGRATION = '007_alerting_bounds.sql';

/**
 * 007 on a database an older release wrote: what the checks now refuse is repaired where a value can be
 * derived (channels listed twice, timestamps the code cannot hold, an outage's backlog), and left for the rule's
 * ERROR to name where it cannot (a NaN threshold).
 */
describe(`${MIGRATION} on a database written before it`, () => {
  const name = `signupflow_migration_${process.pid}`;
  let pool: pg.Pool;
  let url: string;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(TEST_POSTGRES_URL);
    target.pathname = `/${name}`;
    url = target.toString();
    // The migrations before 007 only
    const before = await mkdtemp(path.join(os.tmpdir(), 'migrations-'));
    for (const file of await readdir(MIGRATIONS_DIR)) {
      if (file < MIGRATION) await cp(path.join(MIGRATIONS_DIR, file), path.join(before, file));
    }
    await applyMigrations(url, before);
    await rm(before, { recursive: true });
    pool = new pg.Pool({ connectionString: url, max: 1 });
    await pool.query(`
      INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, notification_channels) VALUES
        ('nan', 'NaN threshold', 'error_rate', '>', 'NaN', 'info', '["slack"]'),
        ('twice', 'Slack twice', 'error_rate', '>', 1, 'info', '["slack", "email", "slack", "slack"]');
      INSERT INTO alert_rule_state (rule_id, state, state_since, last_evaluated_at, clear_since, last_value, version)
      VALUES ('twice', 'FIRING', 'infinity', '2026-11-30T10:00:00Z', '-infinity', 'NaN', 7);
      INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, published_at)
      SELECT 'twice', 'REMINDER', 'twice:1', '{}', NULL FROM generate_series(1, 3);
      INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, published_at)
      VALUES ('twice', 'FIRING', 'twice:1', '{}', '2026-11-30T09:00:00Z');`);
    expect(await applyMigrations(url)).toEqual([MIGRATION]);
  });

  afterAll(async () => {
    await pool.end();
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('keeps each channel once', async () => {
    const { rows } = await pool.query(`SELECT notification_channels FROM alert_rules WHERE id = 'twice'`);
    expect(rows[0]?.notification_channels).toEqual(['email', 'slack']);
  });

  it('resets the timestamps and the value the code cannot hold, and keeps the rest', async () => {
    const { rows } = await pool.query(
      `SELECT state, isfinite(state_since) AS since_finite, clear_since IS NOT NULL AND isfinite(clear_since) AS clear_finite,
              last_value, last_evaluated_at, version
         FROM alert_rule_state WHERE rule_id = 'twice'`,
    );
    expect(rows[0]).toEqual({
      state: 'FIRING',
      since_finite: true,
      clear_finite: true,
      last_value: null,
      last_evaluated_at: new Date('2026-11-30T10:00:00Z'),
      version: '7',
    });
  });

  it("keeps an outage's backlog to one pending message per rule and kind, the newest", async () => {
    const { rows } = await pool.query(
      `SELECT kind, outcome, count(*)::int AS n FROM alert_notifications GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      { kind: 'FIRING', outcome: 'published', n: 1 },
      { kind: 'REMINDER', outcome: 'superseded', n: 2 },
      { kind: 'REMINDER', outcome: null, n: 1 },
    ]);
  });

  it('leaves a NaN threshold for its rule to name, and refuses any new one', async () => {
    const { rows } = await pool.query(
      `SELECT convalidated FROM pg_constraint WHERE conname = 'alert_rules_threshold_finite'`,
    );
    expect(rows).toEqual([{ convalidated: false }]);
    await expect(pool.query(`UPDATE alert_rules SET threshold = 'NaN' WHERE id = 'twice'`)).rejects.toThrow(
      'alert_rules_threshold_finite',
    );
  });

  it('allows exactly the channels of the catalogue, each once', async () => {
    // The CHECK's list and ALERT_CHANNELS describe the same set
    const { rows } = await pool.query(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = 'alert_rules_notification_channels_check'`,
    );
    const definition = String(rows[0]?.definition);
    for (const channel of ALERT_CHANNELS) expect(definition).toContain(`"${channel}"`);
    expect(ALERT_CHANNELS).toHaveLength(2);
  });
});
