import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { awsJsonError, requestedSecretId, secretValueAnswer, type WireAnswer } from './aws-wire';

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
 * secretsmanager.GetSecretValue`): `secrets` by ARN; any other id answers ResourceNotFoundException. Unlike
 * `startAwsStandIn`, it can stop answering mid-test.
 */
export async function startSecretsManagerServer(
  secrets: Record<string, string>,
): Promise<SecretsManagerServer> {
  const reads: string[] = [];
  let hanging = false;
  const answer = (target: unknown, body: string): WireAnswer => {
    if (target !== 'secretsmanager.GetSecretValue') {
      return awsJsonError('1.1', 400, 'UnknownOperationException', 'only GetSecretValue here');
    }
    const secretId = requestedSecretId({ headers: {}, body }) ?? '';
    reads.push(secretId);
    const value = secrets[secretId];
    return value === undefined
      ? awsJsonError(
          '1.1',
          400,
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        )
      : secretValueAnswer(secretId, value);
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (hanging) return;
      const { status, headers, body } = answer(
        request.headers['x-amz-target'],
        Buffer.concat(chunks).toString('utf8'),
      );
      response.writeHead(status, headers).end(body);
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
