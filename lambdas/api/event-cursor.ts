/**
 * The position after the last event of a page: keyset pagination stays fast and stable under inserts.
 * `startsAt` is the database's exact value in UTC with microseconds (`2026-12-05T10:00:00.123456Z`, as
 * `to_char` writes it): a millisecond `toISOString()` would land before the row it stands for, and the same
 * page would come back forever. `id` is the bigint id as Postgres writes it.
 */
export interface EventCursor {
  startsAt: string;
  id: string;
}

/** The SQL expression that writes `starts_at` in the cursor's format. */
export const CURSOR_STARTS_AT_SQL = `to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const BIGINT_MIN = -(2n ** 63n);
const BIGINT_MAX = 2n ** 63n - 1n;
/** The longest cursor the API writes: 27 characters of time, 20 of id, JSON punctuation, base64 growth. */
const MAX_CURSOR_LENGTH = 96;

export function encodeCursor(cursor: EventCursor): string {
  return Buffer.from(JSON.stringify([cursor.startsAt, cursor.id])).toString('base64url');
}

/**
 * The cursor a page handed out, or undefined when the text is anything else. Only the exact form the API
 * writes passes, checked character by character: Postgres must never see a value it could reject (a data
 * exception would be a 500, and its message would echo the forged text into logs).
 */
export function decodeCursor(text: string): EventCursor | undefined {
  if (text.length > MAX_CURSOR_LENGTH) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) return undefined;
  const [startsAt, id] = decoded;
  if (typeof startsAt !== 'string' || !isCursorTimestamp(startsAt)) return undefined;
  if (typeof id !== 'string' || !isBigintText(id)) return undefined;
  const cursor = { startsAt, id };
  // Node's base64url decoder skips characters it does not know: only the canonical text is ours.
  return encodeCursor(cursor) === text ? cursor : undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, a real UTC date from year 1 to 9999: what `CURSOR_STARTS_AT_SQL` writes. */
export function isCursorTimestamp(text: string): boolean {
  if (text.length !== 27) return false;
  const separators: Record<number, string> = { 4: '-', 7: '-', 10: 'T', 13: ':', 16: ':', 19: '.', 26: 'Z' };
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index] as string;
    const separator = separators[index];
    if (separator !== undefined ? character !== separator : character < '0' || character > '9') return false;
  }
  const field = (start: number, end: number) => Number(text.slice(start, end));
  const [year, month, day] = [field(0, 4), field(5, 7), field(8, 10)];
  const [hour, minute, second] = [field(11, 13), field(14, 16), field(17, 19)];
  return (
    year >= 1 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59
  );
}

/** Decimal text of a bigint as Postgres writes it: no sign but `-`, no leading zero, within 64 bits. */
export function isBigintText(text: string): boolean {
  const digits = text.startsWith('-') ? text.slice(1) : text;
  if (digits.length < 1 || digits.length > 19) return false;
  for (const character of digits) if (character < '0' || character > '9') return false;
  if (digits.length > 1 && digits.startsWith('0')) return false;
  if (text === '-0') return false;
  const value = BigInt(text);
  return value >= BIGINT_MIN && value <= BIGINT_MAX;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
