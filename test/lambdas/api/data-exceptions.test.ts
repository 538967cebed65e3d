import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent } from '../../support/lambda-events';
import type { CapturedOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { type ApiHandler, answerOf, loadApiHandler } from './load-api-handler';

/** What the database is made to reject; it must reach neither the response nor the logs. */
const REJECTED_VALUE = 'not-a-date-9f3c';

describe('a value Postgres rejects (SQLSTATE class 22)', () => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof loadApiHandler>> | undefined;
  let handler: ApiHandler;
  let output: CapturedOutput;

  beforeAll(async () => {
    // Prepare: validation keeps bad values away from Postgres, so a data exception is provoked in the
    // database itself: `events` becomes a view whose start time is cast from text for one organisation.
    database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`INSERT INTO organizations (id, name) VALUES ('org-broken', 'Broken')`);
    await client.query(
      `INSERT INTO events (organization_id, title, starts_at) VALUES ('org-broken', $1, '2026-12-01T09:00:00Z')`,
      [REJECTED_VALUE],
    );
    await client.query(`ALTER TABLE events RENAME TO stored_events`);
    await client.query(
      `CREATE VIEW events AS
         SELECT id, organization_id, title, location, capacity,
                CASE WHEN organization_id = 'org-broken' THEN title::timestamptz ELSE starts_at END AS starts_at
           FROM stored_events`,
    );
    await client.end();
    api = await loadApiHandler(database.url);
    ({ handler, output } = api);
  });

  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  it('answers a 400 with the SQLSTATE and without the rejected value, and logs no error', async () => {
    // Act
    const response = await answerOf(
      handler,
      httpApiEvent('GET /api/events', { query: { organization_id: 'org-broken' } }),
    );

    // Assess
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(String(response.body))).toEqual({
      message: 'Invalid query: the database rejected a value',
      sqlstate: '22007',
    });
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'Postgres rejected a value of the request',
        sqlstate: '22007',
      }),
    );
    expect(output.records().filter((record) => record.level === 'ERROR')).toEqual([]);
    expect(JSON.stringify(output.records())).not.toContain(REJECTED_VALUE);
  });
});
