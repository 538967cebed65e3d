import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentryStandIn {
  dsn: string;
  /** Envelopes received: proves that error events were really sent, not dropped. */
  envelopes(): number;
  close(): Promise<void>;
}

/** A Sentry ingest stand-in on 127.0.0.1 that accepts every envelope, as sentry.io does when healthy. */
export async function startSentryStandIn(): Promise<SentryStandIn> {
  let envelopes = 0;
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (request.url?.includes('/envelope/')) envelopes += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://0123456789abcdef0123456789abcdef@127.0.0.1:${port}/1`,
    envelopes: () => envelopes,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
