import type { Database } from '../shared/database';
import { CURSOR_STARTS_AT_SQL, type EventCursor, encodeCursor } from './event-cursor';

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

interface EventRow {
  id: string;
  organization_id: string;
  title: string;
  starts_at: Date;
  location: string | null;
  capacity: number | null;
  /** `starts_at` to the microsecond, for the cursor. */
  cursor_starts_at: string;
}

/** An organisation's events in start order, one page at a time; an unknown organisation has none. */
export async function listEvents(db: Database, query: ListEventsQuery): Promise<EventPage> {
  const { rows } = await db.query<EventRow>(
    'select',
    `SELECT id::text, organization_id, title, starts_at, location, capacity,
            ${CURSOR_STARTS_AT_SQL} AS cursor_starts_at
       FROM events
      WHERE organization_id = $1
        AND ($2::timestamptz IS NULL OR (starts_at, id) > ($2::timestamptz, $3::bigint))
      ORDER BY starts_at, id
      LIMIT $4`,
    [query.organizationId, query.cursor?.startsAt ?? null, query.cursor?.id ?? null, query.limit + 1],
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const hasMore = rows.length > query.limit;
  return {
    events: page.map(toEvent),
    nextCursor: hasMore && last ? encodeCursor({ startsAt: last.cursor_starts_at, id: last.id }) : null,
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
