import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AwsFaultStandIn {
  url: string;
  /** Requests received so far. */
  readonly requests: number;
  /** How late each answer comes; change it at any time. */
  delayMs: number;
  close(): Promise<void>;
}

export type AwsAnswer =
  | { error: { status: number; code: string; message: string } }
  | { json: (request: { target: string; body: Record<string, unknown> }) => Record<string, unknown> };

/**
 * An AWS service on 127.0.0.1 speaking the JSON protocol (`X-Amz-Target`, `application/x-amz-json-1.x`), as
 * Secrets Manager and SQS do, that answers every request with `answer` after `delayMs`: a service that
 * throttles (400 ThrottlingException), fails (500) or answers slowly.
 */
export async function startAwsFaultStandIn(answer: AwsAnswer, delayMs = 0): Promise<AwsFaultStandIn> {
  let requests = 0;
  const standIn: AwsFaultStandIn = { url: '', requests: 0, delayMs, close: async () => undefined };
  const server = createServer(async (request, response) => {
    requests += 1;
    const body = JSON.parse((await readBody(request)) || '{}') as Record<string, unknown>;
    await new Promise((resolve) => setTimeout(resolve, standIn.delayMs));
    if (response.destroyed) return;
    const contentType = request.headers['content-type'] ?? 'application/x-amz-json-1.1';
    if ('error' in answer) {
      const { status, code, message } = answer.error;
      response
        .writeHead(status, { 'content-type': contentType, 'x-amzn-errortype': code })
        .end(JSON.stringify({ __type: code, message }));
      return;
    }
    const target = String(request.headers['x-amz-target'] ?? '');
    response
      .writeHead(200, { 'content-type': contentType })
      .end(JSON.stringify(answer.json({ target, body })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.defineProperty(standIn, 'requests', { get: () => requests });
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
