import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { type QueryRow, toAnnotatedCsv } from './annotated-csv';
import {
  type FieldType,
  isPrecision,
  LineProtocolError,
  type ParsedLine,
  parseLineProtocol,
} from './line-protocol';

export type { QueryRow } from './annotated-csv';
export type { FieldType, FieldValue } from './line-protocol';

/** A point as InfluxDB stores it: one per bucket, series (measurement + tag set) and timestamp. */
export interface InfluxPoint extends ParsedLine {
  org: string;
  bucket: string;
  /** `timestampNs` as a Date (millisecond resolution). */
  time: Date;
}

export interface InfluxRequest {
  method: string;
  /** The path without the query string, e.g. `/api/v2/write`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The body as text, gunzipped when it came with `Content-Encoding: gzip`. */
  body: string;
  gzipped: boolean;
  /** `Date.now()` when the request was complete. */
  receivedAt: number;
}

/** What a test answers to a Flux query: the rows InfluxDB would return. Throwing gives a 400 as a bad query does. */
export type FluxAnswer = (flux: string, request: InfluxRequest) => QueryRow[] | Promise<QueryRow[]>;

export interface InfluxServerOptions {
  /** Defaults to a random token. */
  token?: string;
  /** A token that may only query, as an InfluxDB read authorization (`influx auth create --read-bucket`). */
  readToken?: string;
  /** The one organisation and bucket that exist; anything else is 404 as in InfluxDB. */
  org?: string;
  bucket?: string;
  answer?: FluxAnswer;
}

export interface InfluxStandIn {
  /** `http://127.0.0.1:<port>`, for `new InfluxDB({ url, token })`. */
  url: string;
  port: number;
  token: string;
  /** The read-only token, when the options gave one. */
  readToken?: string;
  org: string;
  bucket: string;
  /** Every request received, in order, including the refused and the hung ones. */
  requests: InfluxRequest[];
  /** The `/api/v2/write` requests among `requests`. */
  writes(): InfluxRequest[];
  /** The stored points (after overwrites), optionally of one measurement, ordered by time. */
  points(measurement?: string): InfluxPoint[];
  /** Replaces the function that answers `/api/v2/query`. */
  answerQueries(answer: FluxAnswer): void;
  /** The next request (one per call, in order) gets this answer instead of being handled; nothing is stored. */
  respondWith(
    status: number,
    body?: string | Record<string, unknown>,
    headers?: Record<string, string>,
  ): void;
  /** From now on, accept connections and requests and never answer them, until `resume()`. */
  hang(): void;
  resume(): void;
  /** Closes the listener and every open connection: new connections are refused. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

type Reply = { status: number; body: string; headers: Record<string, string> };

/**
 * An InfluxDB 2.x stand-in on 127.0.0.1 for the real `@influxdata/influxdb-client`: `/api/v2/write` parses and
 * stores line protocol (idempotent per series and timestamp), `/api/v2/query` answers with the test's rows as
 * annotated CSV (it cannot run Flux), `/ping` and `/health` answer as InfluxDB does.
 */
export async function startInfluxServer(options: InfluxServerOptions = {}): Promise<InfluxStandIn> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const org = options.org ?? 'signupflow';
  const bucket = options.bucket ?? 'signupflow';
  let answer: FluxAnswer = options.answer ?? (() => []);
  const requests: InfluxRequest[] = [];
  const stored = new Map<string, InfluxPoint>();
  const fieldTypes = new Map<string, FieldType>();
  const scripted: Reply[] = [];
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let hangs = false;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const raw = await readRaw(request);
    const gzipped = request.headers['content-encoding'] === 'gzip';
    const body = raw === undefined ? '' : decode(raw, gzipped);
    const recorded: InfluxRequest = {
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body: body ?? '',
      gzipped,
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    if (hangs) {
      hanging.add(response);
      return;
    }
    const reply = scripted.shift() ?? (await route(request, recorded, raw === undefined, body === undefined));
    response.writeHead(reply.status, reply.headers).end(reply.body);
  };

  const route = async (
    request: IncomingMessage,
    recorded: InfluxRequest,
    tooLarge: boolean,
    undecodable: boolean,
  ): Promise<Reply> => {
    if (tooLarge) return error(413, 'request too large', 'request body too large');
    if (undecodable) return error(400, 'invalid', 'unable to decode the gzip body');
    if (recorded.path === '/ping') return { status: 204, body: '', headers: {} };
    if (recorded.path === '/health') return json(200, { name: 'influxdb', status: 'pass' });
    const readOnly =
      options.readToken !== undefined && request.headers.authorization === `Token ${options.readToken}`;
    if (request.headers.authorization !== `Token ${token}` && !readOnly)
      return error(401, 'unauthorized', 'unauthorized access');
    if (readOnly && recorded.path !== '/api/v2/query')
      return error(403, 'forbidden', 'insufficient permissions for write');
    if (request.method === 'POST' && recorded.path === '/api/v2/write') return write(recorded);
    if (request.method === 'POST' && recorded.path === '/api/v2/query') return query(recorded);
    return error(404, 'not found', 'path not found');
  };

  const write = (request: InfluxRequest): Reply => {
    const precision = request.query.precision ?? 'ns';
    if (request.query.org !== org)
      return error(404, 'not found', `organization name "${request.query.org}" not found`);
    if (request.query.bucket !== bucket)
      return error(404, 'not found', `bucket "${request.query.bucket}" not found`);
    if (!isPrecision(precision)) return error(400, 'invalid', `invalid precision "${precision}"`);
    let lines: ParsedLine[];
    try {
      lines = parseLineProtocol(request.body, precision, BigInt(Date.now()) * 1_000_000n);
    } catch (caught) {
      if (caught instanceof LineProtocolError) return error(400, 'invalid', caught.message);
      throw caught;
    }
    const conflict = findTypeConflict(lines, fieldTypes, bucket);
    if (conflict) return error(422, 'unprocessable entity', conflict);
    for (const line of lines) store(line);
    return { status: 204, body: '', headers: {} };
  };

  const store = (line: ParsedLine): void => {
    for (const [field, type] of Object.entries(line.fieldTypes))
      fieldTypes.set(fieldKey(bucket, line.measurement, field), type);
    const key = JSON.stringify([
      bucket,
      line.measurement,
      Object.entries(line.tags).sort(([a], [b]) => (a < b ? -1 : 1)),
      line.timestampNs.toString(),
    ]);
    const previous = stored.get(key);
    stored.set(key, {
      ...line,
      fields: { ...previous?.fields, ...line.fields },
      fieldTypes: { ...previous?.fieldTypes, ...line.fieldTypes },
      org,
      bucket,
      time: new Date(Number(line.timestampNs / 1_000_000n)),
    });
  };

  const query = async (request: InfluxRequest): Promise<Reply> => {
    if (request.query.org !== org)
      return error(404, 'not found', `organization name "${request.query.org}" not found`);
    let flux: unknown;
    try {
      flux = (JSON.parse(request.body) as { query?: unknown }).query;
    } catch {
      return error(400, 'invalid', 'failed to decode request body');
    }
    if (typeof flux !== 'string') return error(400, 'invalid', 'query is required');
    let rows: QueryRow[];
    try {
      rows = await answer(flux, request);
    } catch (caught) {
      return error(400, 'invalid', `compilation failed: ${(caught as Error).message}`);
    }
    return {
      status: 200,
      body: toAnnotatedCsv(rows),
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    };
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((caught: Error) => {
      const reply = error(500, 'internal error', caught.message);
      if (!response.headersSent) response.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const down = async (): Promise<void> => {
    if (!server.listening) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const response of hanging) response.destroy();
    hanging.clear();
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    readToken: options.readToken,
    org,
    bucket,
    requests,
    writes: () => requests.filter((request) => request.path === '/api/v2/write'),
    points: (measurement) =>
      [...stored.values()]
        .filter((point) => measurement === undefined || point.measurement === measurement)
        .sort((a, b) => (a.timestampNs < b.timestampNs ? -1 : a.timestampNs > b.timestampNs ? 1 : 0)),
    answerQueries: (next) => {
      answer = next;
    },
    respondWith: (status, body = '', headers = {}) => {
      const json = typeof body !== 'string';
      scripted.push({
        status,
        body: json ? JSON.stringify(body) : body,
        headers: json ? { 'content-type': 'application/json; charset=utf-8', ...headers } : headers,
      });
    },
    hang: () => {
      hangs = true;
    },
    resume: () => {
      hangs = false;
    },
    down,
    up: async () => {
      if (server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close: down,
  };
}

function fieldKey(bucket: string, measurement: string, field: string): string {
  return JSON.stringify([bucket, measurement, field]);
}

/** InfluxDB keeps one type per field of a measurement and refuses a write that changes it. */
function findTypeConflict(
  lines: ParsedLine[],
  known: Map<string, FieldType>,
  bucket: string,
): string | undefined {
  const seen = new Map(known);
  for (const line of lines) {
    for (const [field, type] of Object.entries(line.fieldTypes)) {
      const key = fieldKey(bucket, line.measurement, field);
      const existing = seen.get(key);
      if (existing !== undefined && existing !== type)
        return `failure writing points to database: partial write: field type conflict: input field "${field}" on measurement "${line.measurement}" is type ${type}, already exists as type ${existing}`;
      seen.set(key, type);
    }
  }
  return undefined;
}

async function readRaw(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The body as text; undefined when a gzip body does not decode (or decodes beyond the size cap). */
function decode(raw: Buffer, gzipped: boolean): string | undefined {
  try {
    return (gzipped ? gunzipSync(raw, { maxOutputLength: MAX_BODY_BYTES }) : raw).toString('utf8');
  } catch {
    return undefined;
  }
}

function json(status: number, body: Record<string, unknown>): Reply {
  return {
    status,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}

/** InfluxDB's error body: `{"code": ..., "message": ...}`. */
function error(status: number, code: string, message: string): Reply {
  return json(status, { code, message });
}
