/**
 * InfluxDB line protocol, parsed the way InfluxDB 2.x reads it, for the stand-in server.
 * One pass over each line, character by character: no regular expression runs on the body.
 */

export type FieldType = 'float' | 'integer' | 'uinteger' | 'string' | 'boolean';
export type FieldValue = number | string | boolean;
export type Precision = 'ns' | 'us' | 'ms' | 's';

export interface ParsedLine {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  fieldTypes: Record<string, FieldType>;
  /** Nanoseconds since the epoch; the server's clock when the line had no timestamp. */
  timestampNs: bigint;
}

export class LineProtocolError extends Error {}

const NANOS_PER_UNIT: Record<Precision, bigint> = { ns: 1n, us: 1_000n, ms: 1_000_000n, s: 1_000_000_000n };

export function isPrecision(value: string): value is Precision {
  return value in NANOS_PER_UNIT;
}

/** Every non-empty, non-comment line of `body`; throws `LineProtocolError` naming the first bad line. */
export function parseLineProtocol(body: string, precision: Precision, nowNs: bigint): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  const lines = body.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    try {
      parsed.push(parseLine(line, precision, nowNs));
    } catch (error) {
      throw new LineProtocolError(
        `unable to parse '${line}': ${(error as Error).message} (line ${index + 1})`,
      );
    }
  }
  return parsed;
}

function parseLine(line: string, precision: Precision, nowNs: bigint): ParsedLine {
  const cursor = { position: 0 };
  const measurement = readToken(line, cursor, ', ', ', ');
  if (measurement === '') throw new Error('missing measurement');
  const tags: Record<string, string> = {};
  while (line[cursor.position] === ',') {
    cursor.position += 1;
    const key = readToken(line, cursor, ',= ', '=');
    if (line[cursor.position] !== '=') throw new Error(`missing tag value of "${key}"`);
    cursor.position += 1;
    const value = readToken(line, cursor, ',= ', ', ');
    if (key === '' || value === '') throw new Error('empty tag key or value');
    tags[key] = value;
  }
  if (line[cursor.position] !== ' ') throw new Error('missing fields');
  cursor.position += 1;
  const fields: Record<string, FieldValue> = {};
  const fieldTypes: Record<string, FieldType> = {};
  do {
    if (line[cursor.position] === ',') cursor.position += 1;
    const key = readToken(line, cursor, ',= ', '=');
    if (key === '' || line[cursor.position] !== '=') throw new Error('missing field key or value');
    cursor.position += 1;
    const [value, type] = readFieldValue(line, cursor);
    fields[key] = value;
    fieldTypes[key] = type;
  } while (line[cursor.position] === ',');
  const rest = line.slice(cursor.position).trim();
  if (rest !== '' && line[cursor.position] !== ' ') throw new Error('invalid field format');
  return { measurement, tags, fields, fieldTypes, timestampNs: readTimestamp(rest, precision, nowNs) };
}

/** Reads up to the first unescaped stop character; a backslash escapes only the `escapable` characters. */
function readToken(line: string, cursor: { position: number }, escapable: string, stops: string): string {
  let token = '';
  while (cursor.position < line.length) {
    const char = line[cursor.position] as string;
    const next = line[cursor.position + 1];
    if (char === '\\' && next !== undefined && escapable.includes(next)) {
      token += next;
      cursor.position += 2;
      continue;
    }
    if (stops.includes(char)) break;
    token += char;
    cursor.position += 1;
  }
  return token;
}

function readFieldValue(line: string, cursor: { position: number }): [FieldValue, FieldType] {
  if (line[cursor.position] === '"') return [readStringField(line, cursor), 'string'];
  const raw = readToken(line, cursor, '', ', ');
  if (raw === '') throw new Error('missing field value');
  const last = raw[raw.length - 1];
  if (last === 'i' || last === 'u') {
    const digits = raw.slice(0, -1);
    if (!isInteger(digits, last === 'i')) throw new Error(`invalid number "${raw}"`);
    return [Number(digits), last === 'i' ? 'integer' : 'uinteger'];
  }
  if (['t', 'T', 'true', 'True', 'TRUE'].includes(raw)) return [true, 'boolean'];
  if (['f', 'F', 'false', 'False', 'FALSE'].includes(raw)) return [false, 'boolean'];
  const value = Number(raw);
  if (!isFloatText(raw) || !Number.isFinite(value)) throw new Error(`invalid number "${raw}"`);
  return [value, 'float'];
}

function readStringField(line: string, cursor: { position: number }): string {
  let value = '';
  cursor.position += 1;
  while (cursor.position < line.length) {
    const char = line[cursor.position] as string;
    const next = line[cursor.position + 1];
    if (char === '\\' && (next === '"' || next === '\\')) {
      value += next;
      cursor.position += 2;
      continue;
    }
    cursor.position += 1;
    if (char === '"') return value;
    value += char;
  }
  throw new Error('unterminated string field');
}

function readTimestamp(text: string, precision: Precision, nowNs: bigint): bigint {
  if (text === '') return nowNs;
  if (!isInteger(text, true)) throw new Error(`invalid timestamp "${text}"`);
  return BigInt(text) * NANOS_PER_UNIT[precision];
}

function isInteger(text: string, signed: boolean): boolean {
  const digits = signed && text.startsWith('-') ? text.slice(1) : text;
  if (digits === '') return false;
  for (const char of digits) if (char < '0' || char > '9') return false;
  return true;
}

function isFloatText(text: string): boolean {
  for (const char of text) if (!'0123456789.eE+-'.includes(char)) return false;
  return true;
}
