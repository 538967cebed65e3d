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
  close(): Promise<void>;
}

/** A Sentry ingest stand-in on 127.0.0.1: accepts envelopes the way sentry.io does and keeps them. */
export async function startSentryStandIn(): Promise<SentryStandIn> {
  const envelopes: SentryEnvelope[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    if (request.method === 'POST' && request.url?.startsWith('/api/1/envelope/'))
      envelopes.push(parseEnvelope(body));
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/1`,
    envelopes,
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
