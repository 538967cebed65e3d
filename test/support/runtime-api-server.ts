import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** performance.now() when the request had arrived in full. */
  receivedAt: number;
}

export interface RuntimeApiStandIn {
  /** What AWS_LAMBDA_RUNTIME_API holds: host and port. */
  address: string;
  requests: RecordedRequest[];
  /** performance.now() when the registration was answered. */
  registeredAt?: number;
  close(): Promise<void>;
}

export type RegisterAnswer = 'accept' | 'refuse' | 'hang';

/** Long enough that a runtime which did not wait for the registration would ask for its event first. */
const REGISTER_DELAY_MS = 150;

export const EXTENSION_ID = 'f1e2d3c4-0000-4000-8000-000000000001';

/**
 * The parts of Lambda's Runtime and Extensions APIs on 127.0.0.1 that matter at init: registration answers
 * as told, an extension's `event/next` stays open (no events are ever sent), the runtime's `invocation/next`
 * answers at once with an empty event.
 */
export async function startRuntimeApiStandIn(
  register: RegisterAnswer = 'accept',
  registerDelayMs = REGISTER_DELAY_MS,
): Promise<RuntimeApiStandIn> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const recorded = {
      method: request.method ?? '',
      url: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks).toString('utf8'),
      receivedAt: performance.now(),
    };
    requests.push(recorded);
    answer(recorded, response, { register, registerDelayMs }, () => {
      standIn.registeredAt = performance.now();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const standIn: RuntimeApiStandIn = {
    address: `127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return standIn;
}

function answer(
  request: RecordedRequest,
  response: ServerResponse,
  { register, registerDelayMs }: { register: RegisterAnswer; registerDelayMs: number },
  onRegistered: () => void,
): void {
  if (request.url === '/2020-01-01/extension/register') {
    if (register === 'hang') return;
    if (register === 'refuse') {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end('{"errorType":"Extension.InitPhaseEnded"}');
      return;
    }
    setTimeout(() => {
      onRegistered();
      response.writeHead(200, {
        'content-type': 'application/json',
        'lambda-extension-identifier': EXTENSION_ID,
      });
      response.end('{"functionName":"signupflow-api","functionVersion":"$LATEST","handler":"index.handler"}');
    }, registerDelayMs);
    return;
  }
  if (request.url === '/2020-01-01/extension/event/next') return;
  response.writeHead(200, { 'content-type': 'application/json', 'lambda-runtime-aws-request-id': 'req-1' });
  response.end('{}');
}
