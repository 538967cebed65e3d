import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SentryEnvelope {
  header: Record<string, unknown>;
  items: { header: Record<string, unknown>; payload: Record<string, unknown> }[];
  raw: string;
}

export interface SentryStandIn {
  /** A DSN that sends this stand-in every event, as project 1. */
  dsn: string;
  envelopes: SentryEnvelope[];
  events(): Record<string, unknown>[];
  /** How the next envelopes are answered: 200 by default; a 429 or 5xx refuses them; `delayMs` answers late. */
  reply: { status: number; delayMs: number };
  close(): Promise<void>;
}

/** A Sentry ingest stand-in on 127.0.0.1: accepts envelopes the way sentry.io does and keeps them. */
export async function startSentryStandIn(): Promise<SentryStandIn> {
  const envelopes: SentryEnvelope[] = [];
  const reply = { status: 200, delayMs: 0 };
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const { status, delayMs } = reply;
    if (status === 200 && request.method === 'POST' && request.url?.startsWith('/api/1/envelope/'))
      envelopes.push(parseEnvelope(body));
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    if (response.destroyed) return;
    const headers = { 'content-type': 'application/json', ...(status === 429 && { 'retry-after': '60' }) };
    response.writeHead(status, headers).end(status === 200 ? '{}' : '{"detail":"refused"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes,
    reply,
    events: () =>
      envelopes.flatMap((envelope) =>
        envelope.items.filter((item) => item.header.type === 'event').map((item) => item.payload),
      ),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

function parseEnvelope(raw: string): SentryEnvelope {
  const [header = '{}', ...rest] = raw.split('\n').filter((line) => line.length > 0);
  const items: SentryEnvelope['items'] = [];
  for (let index = 0; index + 1 < rest.length; index += 2) {
    items.push({ header: JSON.parse(rest[index] ?? '{}'), payload: JSON.parse(rest[index + 1] ?? '{}') });
  }
  return { header: JSON.parse(header), items, raw };
}
