import type { Database } from '../shared/database';

export interface Event {
  id: string;
  organizationId: string;
  title: string;
  startsAt: string;
  location: string | null;
  capacity: number | null;
}

export interface EventPage {
  events: Event[];
  /** Opaque; pass it back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface ListEventsQuery {
  organizationId: string;
  limit: number;
  cursor?: EventCursor;
}

/** The position after the last event of a page: keyset pagination stays fast and stable under inserts. */
export interface EventCursor {
  startsAt: string;
  id: string;
}

interface EventRow {
  id: string;
  organization_id: string;
  title: string;
  starts_at: Date;
  location: string | null;
  capacity: number | null;
}

/** An organisation's events in start order, one page at a time; an unknown organisation has none. */
export async function listEvents(db: Database, query: ListEventsQuery): Promise<EventPage> {
  const { rows } = await db.query<EventRow>(
    'select',
    `SELECT id::text, organization_id, title, starts_at, location, capacity
       FROM events
      WHERE organization_id = $1
        AND ($2::timestamptz IS NULL OR (starts_at, id) > ($2::timestamptz, $3::bigint))
      ORDER BY starts_at, id
      LIMIT $4`,
    [query.organizationId, query.cursor?.startsAt ?? null, query.cursor?.id ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit).map(toEvent);
  const last = page.at(-1);
  const hasMore = rows.length > query.limit;
  return {
    events: page,
    nextCursor: hasMore && last ? encodeCursor({ startsAt: last.startsAt, id: last.id }) : null,
  };
}

function toEvent(row: EventRow): Event {
  return {
    id: row.id,
    organizationId: row.organization_id,
    title: row.title,
    startsAt: row.starts_at.toISOString(),
    location: row.location,
    capacity: row.capacity,
  };
}

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.startsAt, cursor.id])).toString('base64url');
}

/** The cursor a page handed out, or undefined when the text is not one. */
export function decodeCursor(text: string): EventCursor | undefined {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
    const [startsAt, id] = decoded;
    if (typeof startsAt !== 'string' || Number.isNaN(Date.parse(startsAt))) return undefined;
    if (typeof id !== 'string' || !/^\d{1,19}$/.test(id)) return undefined;
    return { startsAt, id };
  } catch {
    return undefined;
  }
}
