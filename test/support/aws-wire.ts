/** AWS APIs on 127.0.0.1 as the SDK speaks to them, for tests that want the real SDK on the wire. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of an AWS API, as its wire protocol writes it. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An error of an AWS JSON protocol (1.0: CloudWatch, SQS; 1.1: Secrets Manager) as AWS sends it: the error type
 * in `__type` (namespaced or not) and in `x-amzn-ErrorType`.
 */
export function awsJsonError(
  version: '1.0' | '1.1',
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): WireAnswer {
  return {
    status,
    headers: {
      'content-type': `application/x-amz-json-${version}`,
      'x-amzn-errortype': `${type.split('#').at(-1)}:http://internal.amazon.com/coral/com.amazon.coral.service/`,
      'x-amzn-requestid': 'b5b0d5f0-0000-4000-8000-000000000001',
      ...headers,
    },
    body: JSON.stringify({ __type: type, Message: message }),
  };
}

/** An error of the AWS Query protocol (SNS) as AWS sends it: an XML ErrorResponse. */
export function awsQueryError(status: number, code: string, message: string): WireAnswer {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'b5b0d5f0-0000-4000-8000-000000000002' },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>b5b0d5f0-0000-4000-8000-000000000002</RequestId></ErrorResponse>`,
  };
}

export interface RecordedRequest {
  headers: IncomingHttpHeaders;
  body: string;
}

export interface AwsStandIn {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** An AWS endpoint on 127.0.0.1 that gives every request the answer `answer` returns for it. */
export async function startAwsStandIn(answer: (request: RecordedRequest) => WireAnswer): Promise<AwsStandIn> {
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const recorded = { headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      const { status, headers, body } = answer(recorded);
      response.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The IAM refusal text AWS writes, for an action on a resource. */
export function notAuthorized(action: string, resource: string): string {
  return `User: arn:aws:sts::123456789012:assumed-role/signupflow-test-fn/signupflow-test-fn is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

/** Secrets Manager's answer to GetSecretValue (AWS JSON 1.1) for a secret holding `secretString`. */
export function secretValueAnswer(secretArn: string, secretString: string): WireAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({
      ARN: secretArn,
      Name: secretArn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, ''),
      SecretString: secretString,
      VersionId: 'c3a8e6f0-0000-4000-8000-000000000003',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 1_764_000_000,
    }),
  };
}

/** The SecretId a GetSecretValue request asks for. */
export function requestedSecretId(request: RecordedRequest): string | undefined {
  return (JSON.parse(request.body || '{}') as { SecretId?: string }).SecretId;
}
