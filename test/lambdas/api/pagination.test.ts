import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { type ApiHandler, getEvents, loadApiHandler } from './load-api-handler';

interface EventsBody {
  events: { id: string; title: string; startsAt: string }[];
  nextCursor: string | null;
}

/** Far more pages than the rows below need: a cursor that repeats a page fails the test instead of hanging it. */
const MAX_PAGES = 20;

const cursorOf = (startsAt: string, id: string) =>
  Buffer.from(JSON.stringify([startsAt, id])).toString('base64url');

describe('paging one event at a time across ties and microseconds', () => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof loadApiHandler>> | undefined;
  let handler: ApiHandler;
  /** Row titles in the order the API must return them: by exact start time, then id. */
  let expected: { title: string; id: string; startsAt: string }[];

  const get = (query: Record<string, string>) => getEvents(handler, query);

  beforeAll(async () => {
    database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`INSERT INTO organizations (id, name) VALUES ('org-ties', 'Ties')`);
    // Inserted out of start order, so that ids and start times disagree: the order must come from both.
    // Three rows share .123456, two share .123000 (the same millisecond as the others), one is 1 µs later.
    const { rows } = await client.query<{ id: string; title: string }>(
      `INSERT INTO events (organization_id, title, starts_at) VALUES
         ('org-ties', 'micro tie c', '2026-12-05T10:00:00.123456Z'),
         ('org-ties', 'one second later', '2026-12-05T10:00:01Z'),
         ('org-ties', 'micro tie d', '2026-12-05T10:00:00.123456Z'),
         ('org-ties', 'one microsecond later', '2026-12-05T10:00:00.123457Z'),
         ('org-ties', 'millisecond tie a', '2026-12-05T10:00:00.123Z'),
         ('org-ties', 'micro tie e', '2026-12-05T10:00:00.123456Z'),
         ('org-ties', 'millisecond tie b', '2026-12-05T10:00:00.123Z')
       RETURNING id::text, title`,
    );
    await client.end();
    const idOf = (title: string) => rows.find((row) => row.title === title)?.id ?? '';
    expected = [
      ['millisecond tie a', '2026-12-05T10:00:00.123Z'],
      ['millisecond tie b', '2026-12-05T10:00:00.123Z'],
      ['micro tie c', '2026-12-05T10:00:00.123Z'],
      ['micro tie d', '2026-12-05T10:00:00.123Z'],
      ['micro tie e', '2026-12-05T10:00:00.123Z'],
      ['one microsecond later', '2026-12-05T10:00:00.123Z'],
      ['one second later', '2026-12-05T10:00:01.000Z'],
    ].map(([title = '', startsAt = '']) => ({ title, id: idOf(title), startsAt }));

    api = await loadApiHandler(database.url);
    ({ handler } = api);
  });

  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  it('returns every event exactly once, in (start time, id) order, and then a null cursor', async () => {
    // Act
    const seen: EventsBody['events'] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { statusCode, body } = await get({
        organization_id: 'org-ties',
        limit: '1',
        ...(cursor && { cursor }),
      });
      expect(statusCode).toBe(200);
      seen.push(...(body as EventsBody).events);
      cursor = (body as EventsBody).nextCursor;
      pages += 1;
    } while (cursor && pages < MAX_PAGES);

    // Assess
    expect(seen.map(({ title, id, startsAt }) => ({ title, id, startsAt }))).toEqual(expected);
    expect(cursor).toBeNull();
    expect(pages).toBe(expected.length);
  });

  it('hands out cursors that carry the exact microsecond start', async () => {
    // Act: the page whose last event is the first of the .123456 tie
    const { body } = await get({ organization_id: 'org-ties', limit: '3' });

    // Assess
    const [startsAt, id] = JSON.parse(Buffer.from(body.nextCursor, 'base64url').toString('utf8'));
    expect({ startsAt, id }).toEqual({ startsAt: '2026-12-05T10:00:00.123456Z', id: expected[2]?.id });
  });

  it.each([
    ['an id above the bigint maximum', cursorOf('2026-12-05T10:00:00.123456Z', '9999999999999999999')],
    ['the bigint maximum plus one', cursorOf('2026-12-05T10:00:00.123456Z', '9223372036854775808')],
    ['a date of "1"', cursorOf('1', '1')],
    ['a date of "March 7"', cursorOf('March 7', '1')],
    ['an extended-year date', cursorOf('+275760-09-13T00:00:00.000Z', '1')],
    ['a millisecond date', cursorOf('2026-12-05T10:00:00.123Z', '1')],
    ['a thirteenth month', cursorOf('2026-13-05T10:00:00.123456Z', '1')],
    ['the thirtieth of February', cursorOf('2026-02-30T10:00:00.123456Z', '1')],
    ['year zero', cursorOf('0000-01-01T00:00:00.000000Z', '1')],
    ['an hour 24', cursorOf('2026-12-05T24:00:00.000000Z', '1')],
    ['a numeric id', Buffer.from(JSON.stringify(['2026-12-05T10:00:00.123456Z', 1])).toString('base64url')],
    ['an id with a leading zero', cursorOf('2026-12-05T10:00:00.123456Z', '01')],
    [
      'a third element',
      Buffer.from(JSON.stringify(['2026-12-05T10:00:00.123456Z', '1', 2])).toString('base64url'),
    ],
    ['padding after a valid cursor', `${cursorOf('2026-12-05T10:00:00.123456Z', '1')}=`],
    ['a cursor a megabyte long', 'A'.repeat(1_000_000)],
    [
      'a date Date.parse accepts and Postgres rejects',
      cursorOf(`Thu Jan 01 1970 00:00:00 GMT+0000 (${'password'.repeat(500)})`, '1'),
    ],
  ])('answers a forged cursor (%s) with a 400 naming cursor', async (_case, cursor) => {
    // Act
    const { statusCode, body } = await get({ organization_id: 'org-ties', cursor });

    // Assess
    expect(statusCode).toBe(400);
    expect(body.errors).toEqual([{ parameter: 'cursor', message: 'is not a cursor returned by this API' }]);
  });

  it('accepts the smallest and largest ids a cursor can carry', async () => {
    // Act
    const smallest = await get({
      organization_id: 'org-ties',
      cursor: cursorOf('2026-12-05T10:00:00.123456Z', '-9223372036854775808'),
    });
    const largest = await get({
      organization_id: 'org-ties',
      cursor: cursorOf('2026-12-05T10:00:00.123456Z', '9223372036854775807'),
    });

    // Assess
    expect(smallest.statusCode).toBe(200);
    expect(smallest.body.events.map((event: { title: string }) => event.title)).toEqual([
      'micro tie c',
      'micro tie d',
      'micro tie e',
      'one microsecond later',
      'one second later',
    ]);
    expect(largest.statusCode).toBe(200);
    expect(largest.body.events.map((event: { title: string }) => event.title)).toEqual([
      'one microsecond later',
      'one second later',
    ]);
  });
});
