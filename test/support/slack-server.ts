import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in answers to one post: a status, body and headers, or no answer at all. */
export type SlackReply =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string> /** Answers this late. */;
      delayMs?: number;
    }
  | 'never-answer';

export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** `Date.now()` when the request was complete. */
  receivedAt: number;
  json(): Record<string, unknown>;
}

export interface SlackServer {
  /** The webhook URL, with a random secret path as Slack's have. */
  url: string;
  /** The secret part of the URL, to look for in captured output. */
  secretPath: string;
  posts: ReceivedPost[];
  close(): Promise<void>;
}

export const OK: SlackReply = { status: 200, body: 'ok' };

/**
 * A Slack incoming-webhook stand-in on 127.0.0.1: a real `node:http` server that answers the n-th post with
 * the n-th scripted reply, and with `ok` once the script has run out.
 */
export async function startSlackServer(script: SlackReply[] = []): Promise<SlackServer> {
  const posts: ReceivedPost[] = [];
  const hanging = new Set<ServerResponse>();
  const secretPath = `/services/T0SIGNUP/B0ALERTS/${randomBytes(12).toString('hex')}`;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      posts.push({
        path: request.url ?? '',
        headers: request.headers,
        body,
        receivedAt: Date.now(),
        json: () => JSON.parse(body) as Record<string, unknown>,
      });
      const reply = script[posts.length - 1] ?? OK;
      if (reply === 'never-answer') {
        hanging.add(response);
        return;
      }
      if (request.url !== secretPath) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      const answer = () => {
        if (response.destroyed) return;
        response
          .writeHead(reply.status, { 'content-type': 'text/plain', ...reply.headers })
          .end(reply.body ?? '');
      };
      if (reply.delayMs) setTimeout(answer, reply.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    secretPath,
    posts,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
