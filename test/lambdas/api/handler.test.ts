import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import type { CapturedOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { type ApiHandler, answerOf, getEvents, loadApiHandler } from './load-api-handler';

interface EventsBody {
  events: { id: string; title: string; startsAt: string; organizationId: string }[];
  nextCursor: string | null;
}

describe('the API against a real Postgres', () => {
  let database: TestDatabase;
  let api: Awaited<ReturnType<typeof loadApiHandler>> | undefined;
  let handler: ApiHandler;
  let output: CapturedOutput;

  const get = (query: Record<string, string>) => getEvents(handler, query);

  beforeAll(async () => {
    database = await createTestDatabase();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(
      `INSERT INTO organizations (id, name) VALUES ('org-food-bank', 'Food bank'), ('org-empty', 'Empty')`,
    );
    // Two events share a start time. Page boundaries inside ties and microsecond starts: pagination.test.ts.
    await client.query(
      `INSERT INTO events (organization_id, title, starts_at) VALUES
         ('org-food-bank', 'Sorting shift', '2026-12-01T09:00:00Z'),
         ('org-food-bank', 'Delivery run', '2026-12-01T09:00:00Z'),
         ('org-food-bank', 'Pantry morning', '2026-12-02T08:00:00Z'),
         ('org-food-bank', 'Holiday drive', '2026-12-20T10:00:00Z'),
         ('org-food-bank', 'New year clean-up', '2027-01-02T10:00:00Z')`,
    );
    await client.end();
    api = await loadApiHandler(database.url, { TEST_ERROR_ROUTE: 'anonymous' });
    ({ handler, output } = api);
  });

  afterAll(async () => {
    await api?.close();
    await database?.drop();
  });

  it('pages through an organisation in start order, each event once', async () => {
    // Act
    const pages: EventsBody[] = [];
    let cursor: string | null = null;
    do {
      const { statusCode, body } = await get({
        organization_id: 'org-food-bank',
        limit: '2',
        ...(cursor && { cursor }),
      });
      expect(statusCode).toBe(200);
      pages.push(body);
      cursor = body.nextCursor;
    } while (cursor);

    // Assess
    expect(pages.map((page) => page.events.length)).toEqual([2, 2, 1]);
    const events = pages.flatMap((page) => page.events);
    expect(new Set(events.map((event) => event.id)).size).toBe(5);
    expect(events.map((event) => event.startsAt)).toEqual([...events.map((event) => event.startsAt)].sort());
    expect(events.map((event) => event.title)).toEqual(
      expect.arrayContaining([
        'Sorting shift',
        'Delivery run',
        'Pantry morning',
        'Holiday drive',
        'New year clean-up',
      ]),
    );
    expect(events.every((event) => event.organizationId === 'org-food-bank')).toBe(true);
  });

  it('uses a default page size when no limit is given', async () => {
    const { statusCode, body } = await get({ organization_id: 'org-food-bank' });

    expect(statusCode).toBe(200);
    expect(body.events).toHaveLength(5);
    expect(body.nextCursor).toBeNull();
  });

  it('answers an organisation without events with an empty page', async () => {
    expect(await get({ organization_id: 'org-empty' })).toEqual({
      statusCode: 200,
      body: { events: [], nextCursor: null },
    });
    expect(await get({ organization_id: 'org-unknown' })).toEqual({
      statusCode: 200,
      body: { events: [], nextCursor: null },
    });
  });

  it.each([
    ['limit', { organization_id: 'org-food-bank', limit: 'ten' }, 'must be a whole number from 1 to 100'],
    ['limit', { organization_id: 'org-food-bank', limit: '1000' }, 'must be from 1 to 100'],
    ['limit', { organization_id: 'org-food-bank', limit: '0' }, 'must be from 1 to 100'],
    [
      'cursor',
      { organization_id: 'org-food-bank', cursor: 'not-a-cursor' },
      'is not a cursor returned by this API',
    ],
    ['organization_id', { limit: '5' }, 'is required'],
    [
      'organization_id',
      { organization_id: "x' OR 1=1 --" },
      'must be 1 to 64 letters, digits, dashes or underscores',
    ],
  ])('answers a malformed %s with a 400 that names it', async (parameter, query, message) => {
    // Act
    const { statusCode, body } = await get(query);

    // Assess
    expect(statusCode).toBe(400);
    expect(body.message).toBe(`Invalid query parameter ${parameter}: ${message}`);
    expect(body.errors).toContainEqual({ parameter, message });
  });

  it('raises the test error so that it reaches the error path, answering a JSON 500', async () => {
    // Act
    const response = await answerOf(handler, httpApiEvent('POST /api/trigger-test-error'));

    // Assess
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(String(response.body))).toEqual({
      message: 'Internal server error',
      requestId: expect.any(String),
    });
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'Unhandled error',
        error: expect.objectContaining({ name: 'TestError' }),
      }),
    );
  });

  it('answers an unknown route with a 404', async () => {
    const response = await handler(httpApiEvent('GET /api/nothing-here'), lambdaContext());

    expect(response).toMatchObject({ statusCode: 404 });
  });
});
