import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('events.starts_at stays within what a pagination cursor can carry', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  const insert = (startsAt: string) =>
    pool.query(`INSERT INTO events (organization_id, title, starts_at) VALUES ('org', 'Event', $1)`, [
      startsAt,
    ]);

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await pool.query(`INSERT INTO organizations (id, name) VALUES ('org', 'Org')`);
  });
  afterAll(async () => {
    await pool.end();
    await database.drop();
  });

  it.each(['infinity', '-infinity', '10000-01-01T00:00:00Z', '0001-01-01 BC'])(
    'refuses %s',
    async (startsAt) => {
      await expect(insert(startsAt)).rejects.toThrow('events_starts_at_range');
    },
  );

  it.each(['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999999Z'])('accepts %s', async (startsAt) => {
    await expect(insert(startsAt)).resolves.toMatchObject({ rowCount: 1 });
  });
});
