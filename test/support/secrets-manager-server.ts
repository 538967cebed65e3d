import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerServer {
  /** For AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  url: string;
  /** Each GetSecretValue's SecretId, in order. */
  readonly reads: string[];
  /** Holds every later request open without answering, as a hung endpoint does. */
  hang(): void;
  close(): Promise<void>;
}

/**
 * Secrets Manager on 127.0.0.1 as the SDK speaks to it (AWS JSON 1.1, `X-Amz-Target:
 * secretsmanager.GetSecretValue`): `secrets` by ARN; any other id answers ResourceNotFoundException.
 */
export async function startSecretsManagerServer(
  secrets: Record<string, string>,
): Promise<SecretsManagerServer> {
  const reads: string[] = [];
  let hanging = false;
  const server = createServer(async (request, response) => {
    const body = JSON.parse((await readBody(request)) || '{}') as { SecretId?: string };
    if (hanging) return;
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    if (request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      reply(400, { __type: 'UnknownOperationException', message: 'only GetSecretValue here' });
      return;
    }
    reads.push(String(body.SecretId));
    const value = body.SecretId ? secrets[body.SecretId] : undefined;
    if (value === undefined) {
      reply(400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
      return;
    }
    reply(200, {
      ARN: body.SecretId,
      Name: 'test',
      SecretString: value,
      VersionId: 'v1',
      CreatedDate: 1_765_000_000,
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reads,
    hang: () => {
      hanging = true;
    },
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
  return Buffer.concat(chunks).toString('utf8');
}
