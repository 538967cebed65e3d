import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WireStandIn {
  url: string;
  /** Every request's parsed body, in order. */
  requests: Record<string, unknown>[];
  /** How late each answer comes (the request is handled, and recorded, at once); change it at any time. */
  delayMs: number;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(
  server: Server,
  requests: Record<string, unknown>[],
  options: { delayMs: number },
): Promise<WireStandIn> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get delayMs() {
      return options.delayMs;
    },
    set delayMs(value: number) {
      options.delayMs = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits the stand-in's delay before answering; false when the client gave up meanwhile. */
async function late(options: { delayMs: number }, response: ServerResponse): Promise<boolean> {
  if (options.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
  return !response.destroyed;
}

/**
 * CloudWatch on 127.0.0.1 as the SDK speaks to it: AWS JSON 1.0, `X-Amz-Target:
 * GraniteServiceVersion20100801.GetMetricData`, epoch-second timestamps. `answer` gives each query's values.
 */
export function cloudWatchWireStandIn(
  answer: (
    query: { Id: string; MetricStat?: { Metric: { MetricName: string }; Stat: string } },
    endTime: number,
  ) => { Timestamps: number[]; Values: number[] },
  listed: { MetricName: string; Dimensions: { Name: string; Value: string }[] }[] = [],
): Promise<WireStandIn> {
  const requests: Record<string, unknown>[] = [];
  const options = { delayMs: 0 };
  const server = createServer(async (request, response) => {
    const target = request.headers['x-amz-target'];
    const parsed = JSON.parse(await readBody(request)) as Record<string, unknown>;
    requests.push({ target, ...parsed });
    if (!(await late(options, response))) return;
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    if (target === 'GraniteServiceVersion20100801.ListMetrics') {
      response.end(
        JSON.stringify({ Metrics: listed.map((metric) => ({ Namespace: parsed.Namespace, ...metric })) }),
      );
      return;
    }
    const body = parsed as {
      MetricDataQueries: {
        Id: string;
        ReturnData?: boolean;
        MetricStat?: { Metric: { MetricName: string }; Stat: string };
      }[];
      EndTime: number;
    };
    const results = body.MetricDataQueries.filter((query) => query.ReturnData !== false).map((query) => ({
      Id: query.Id,
      StatusCode: 'Complete',
      ...answer(query, body.EndTime),
    }));
    response.end(JSON.stringify({ MetricDataResults: results, Messages: [] }));
  });
  return listen(server, requests, options);
}

/** SNS on 127.0.0.1 as the SDK speaks to it: the Query protocol, a form body in and XML out. */
export function snsWireStandIn(): Promise<WireStandIn> {
  const requests: Record<string, unknown>[] = [];
  const options = { delayMs: 0 };
  const server = createServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    requests.push(Object.fromEntries(form));
    if (!(await late(options, response))) return;
    response.writeHead(200, { 'content-type': 'text/xml' });
    response.end(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>m-${requests.length}</MessageId></PublishResult><ResponseMetadata><RequestId>r-${requests.length}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  });
  return listen(server, requests, options);
}

/**
 * The environment the stack gives the evaluator function, pointed at a test database and the stand-ins on
 * 127.0.0.1 (the SDK resolves AWS_ENDPOINT_URL_CLOUDWATCH and AWS_ENDPOINT_URL_SNS itself).
 */
export function evaluatorEnvironment(options: {
  databaseUrl: string;
  cloudwatchUrl: string;
  snsUrl: string;
  topicArn: string;
  stage: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    ALERT_TOPIC_ARN: options.topicArn,
    HTTP_API_ID: 'a1b2c3d4e5',
    STAGE: options.stage,
    POWERTOOLS_SERVICE_NAME: 'signupflow',
    POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
    METRICS_FLUSH_INTERVAL_SECONDS: '60',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'test-secret-key',
    AWS_ENDPOINT_URL_CLOUDWATCH: options.cloudwatchUrl,
    AWS_ENDPOINT_URL_SNS: options.snsUrl,
  };
}
