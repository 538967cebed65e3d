import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runbookUrl } from '../../lib/runbook';
import { applyMigrations } from '../../scripts/migrations';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

const OLD_LINK = 'https://github.com/signupflow/monitoring/blob/main/docs/runbook.md#high-error-rate';
const RULE = 'alert_rule_high_error_rate';

describe('006_runbook_links: the seeded rule links to docs/MONITORING_RUNBOOK.md', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const linkOfRule = async () =>
    (await pool.query<{ runbook_url: string }>('SELECT runbook_url FROM alert_rules WHERE id = $1', [RULE]))
      .rows[0]?.runbook_url;
  /** The database as it was before 006, with the rule's link set to `link`; then the migrations run again. */
  const migrateFrom = async (link: string) => {
    await pool.query('UPDATE alert_rules SET runbook_url = $1 WHERE id = $2', [link, RULE]);
    await pool.query(`DELETE FROM schema_migrations WHERE name = '006_runbook_links.sql'`);
    return applyMigrations(database.url);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it('on a fresh database, to the section the runbook has', async () => {
    expect(await linkOfRule()).toBe(runbookUrl('highErrorRate'));
  });

  it('on a database seeded with the old link', async () => {
    const applied = await migrateFrom(OLD_LINK);

    expect(applied).toEqual(['006_runbook_links.sql']);
    expect(await linkOfRule()).toBe(runbookUrl('highErrorRate'));
  });

  it('but leaves a link someone chose alone', async () => {
    await migrateFrom('https://wiki.example.org/signupflow/errors');

    expect(await linkOfRule()).toBe('https://wiki.example.org/signupflow/errors');
  });
});
