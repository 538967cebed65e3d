import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

let sequence = 0;

/** An API Gateway HTTP API (payload 2.0) event as API Gateway sends it. */
export function httpApiEvent(
  routeKey: string,
  overrides: {
    rawPath?: string;
    query?: Record<string, string>;
    headers?: Record<string, string>;
    body?: string;
    requestId?: string;
  } = {},
): APIGatewayProxyEventV2 {
  const [method = 'GET', path = '/'] = routeKey.split(' ');
  const rawPath = overrides.rawPath ?? path;
  const rawQueryString = new URLSearchParams(overrides.query ?? {}).toString();
  sequence += 1;
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers: { 'content-type': 'application/json', host: 'api.example.com', ...overrides.headers },
    queryStringParameters: overrides.query,
    body: overrides.body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: overrides.requestId ?? `req-${sequence}-${Date.now()}`,
      routeKey,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
  };
}

export function lambdaContext(functionName = 'signupflow-api'): Context {
  sequence += 1;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `aws-${sequence}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/29/[$LATEST]abc',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The event an EventBridge schedule (`rate(1 minute)`) sends its Lambda target. */
export function scheduledEvent(): Record<string, unknown> {
  return {
    version: '0',
    id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'eu-west-1',
    resources: ['arn:aws:events:eu-west-1:123456789012:rule/signupflow-dev-health'],
    detail: {},
  };
}
