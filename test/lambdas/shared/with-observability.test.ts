import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';

type Shared = typeof import('../../../lambdas/shared/with-observability');
type Observability = typeof import('../../../lambdas/shared/observability');

const NAMESPACE = 'SignUpFlow/test';
const REQUEST_DIMENSIONS = ['service', 'endpoint', 'method', 'status_code'];
const at = (time: string) => Date.parse(`2026-11-30T${time}Z`);
const timestampOf = (document: Record<string, unknown>) => (document._aws as { Timestamp: number }).Timestamp;

describe('withObservability', () => {
  let shared: Shared;
  let logger: Observability['logger'];
  let output: CapturedOutput;

  beforeAll(async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', NAMESPACE);
    vi.stubEnv('METRICS_FLUSH_INTERVAL_SECONDS', '60');
    // Every test starts at 10:00:05 with the same aggregator: the once-a-second limit is MetricAggregator's test.
    vi.stubEnv('METRICS_ERROR_FLUSH_MIN_INTERVAL_MS', '0');
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    vi.stubEnv('SENTRY_DSN', '');
    shared = await import('../../../lambdas/shared/with-observability');
    ({ logger } = await import('../../../lambdas/shared/observability'));
  });

  // Only Date is faked: metrics are bucketed by the minute, and no test may cross one by chance.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('10:00:05'));
  });
  afterEach(() => {
    // What a test left pending (or a failed one did not flush) is written here, not into the next test.
    shared.aggregatedMetrics.flush();
    output?.restore();
    vi.useRealTimers();
  });

  const handler = () =>
    shared.withObservability(async (event: APIGatewayProxyEventV2 | { source: string }) => {
      logger.info('handling', { step: 'start' });
      if ('source' in event) return { processed: true };
      const status = event.queryStringParameters?.status;
      if (status === 'throw') throw new Error('database exploded');
      return { statusCode: Number(status ?? 200), body: '{}' };
    });

  const requestMetrics = () =>
    output.emf().filter((document) => 'http_request_duration_seconds' in document) as Record<
      string,
      unknown
    >[];
  /** Requests a document counts: CloudWatch's SampleCount of its durations. */
  const requestsIn = (document: Record<string, unknown> | undefined) => {
    const durations = document?.http_request_duration_seconds;
    return Array.isArray(durations) ? durations.length : durations === undefined ? 0 : 1;
  };

  it('records a cold start once per environment', async () => {
    // Prepare
    output = captureOutput();
    const wrapped = handler();

    // Act
    await wrapped(httpApiEvent('GET /api/events'), lambdaContext());
    await wrapped(httpApiEvent('GET /api/events'), lambdaContext());

    // Assess
    const coldStarts = output.emf().filter((document) => 'ColdStart' in document);
    expect(coldStarts).toHaveLength(1);
    expect(coldStarts[0]).toMatchObject({
      ColdStart: 1,
      function_name: 'signupflow-api',
      service: 'signupflow',
    });
    shared.aggregatedMetrics.flush();
  });

  it('writes the request metrics of a 2xx and a 4xx with the route template and only bounded dimensions', async () => {
    // Prepare
    output = captureOutput();
    const wrapped = handler();
    const route = 'GET /api/events/{id}';

    // Act
    await wrapped(httpApiEvent(route, { rawPath: '/api/events/42' }), lambdaContext());
    await wrapped(httpApiEvent(route, { rawPath: '/api/events/43' }), lambdaContext());
    await wrapped(
      httpApiEvent(route, { rawPath: '/api/events/44', query: { status: '404' } }),
      lambdaContext(),
    );
    const beforeFlush = requestMetrics().length;
    shared.aggregatedMetrics.flush();

    // Assess
    expect(beforeFlush).toBe(0);
    const documents = requestMetrics();
    expect(documents).toHaveLength(2);
    for (const document of documents) {
      const [directive] = (
        document._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] }
      ).CloudWatchMetrics;
      expect(directive?.Namespace).toBe(NAMESPACE);
      expect(directive?.Dimensions).toEqual([REQUEST_DIMENSIONS]);
      expect(JSON.stringify(document)).not.toContain('/api/events/4');
    }
    const ok = documents.find((document) => document.status_code === '200');
    const notFound = documents.find((document) => document.status_code === '404');
    expect(ok).toMatchObject({ endpoint: '/api/events/{id}', method: 'GET' });
    expect(ok?.http_request_duration_seconds).toEqual([expect.any(Number), expect.any(Number)]);
    expect(notFound).toMatchObject({ endpoint: '/api/events/{id}', method: 'GET' });
    expect(notFound?.http_request_duration_seconds).toEqual(expect.any(Number));
    // The durations' SampleCount is the request count: no second metric carries the same number
    for (const document of documents) expect(document).not.toHaveProperty('http_requests_total');
  });

  it('answers a thrown error with a JSON 500 without internals and writes its metrics at once', async () => {
    // Prepare
    output = captureOutput();
    const event = httpApiEvent('POST /api/things', { query: { status: 'throw' } });

    // Act
    const response = await handler()(event, lambdaContext());

    // Assess
    expect(response).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Internal server error', requestId: event.requestContext.requestId }),
    });
    expect(requestMetrics()).toEqual([
      expect.objectContaining({
        endpoint: '/api/things',
        method: 'POST',
        status_code: '500',
        http_request_duration_seconds: expect.any(Number),
      }),
    ]);
    const errorLine = output.records().find((record) => record.message === 'Unhandled error');
    expect(errorLine).toMatchObject({
      level: 'ERROR',
      error: { name: 'Error', message: 'database exploded' },
    });
  });

  it("writes a 5xx at once without the minute's other series, which wait for the minute to close", async () => {
    // Prepare
    output = captureOutput();
    const wrapped = handler();
    vi.setSystemTime(at('10:00:50'));
    await wrapped(httpApiEvent('GET /api/events'), lambdaContext());
    vi.setSystemTime(at('10:01:10'));
    await wrapped(httpApiEvent('GET /api/events'), lambdaContext());
    await wrapped(httpApiEvent('POST /api/signups', { query: { status: '201' } }), lambdaContext());
    const beforeTheError = requestMetrics().map((document) => [document.status_code, timestampOf(document)]);
    vi.setSystemTime(at('10:01:20'));

    // Act
    await wrapped(httpApiEvent('GET /api/events', { query: { status: '503' } }), lambdaContext());
    const atTheError = requestMetrics().map((document) => [
      document.endpoint,
      document.status_code,
      requestsIn(document),
      timestampOf(document),
    ]);
    vi.setSystemTime(at('10:02:00'));
    await wrapped(httpApiEvent('GET /api/events'), lambdaContext());

    // Assess: the 10:00 minute closed at the second invocation; 10:01's 2xx and 201 wait for 10:01 to close.
    expect(beforeTheError).toEqual([['200', at('10:00:00')]]);
    expect(atTheError).toEqual([
      ['/api/events', '200', 1, at('10:00:00')],
      ['/api/events', '503', 1, at('10:01:00')],
    ]);
    expect(requestMetrics().slice(2)).toEqual([
      expect.objectContaining({ endpoint: '/api/events', status_code: '200' }),
      expect.objectContaining({ endpoint: '/api/signups', status_code: '201' }),
    ]);
    expect(requestMetrics().slice(2).map(requestsIn)).toEqual([1, 1]);
    for (const document of requestMetrics().slice(2)) expect(timestampOf(document)).toBe(at('10:01:00'));
  });

  it('gives a non-API event source the error back so that its retries apply, and records no request metric', async () => {
    // Prepare
    output = captureOutput();
    const wrapped = shared.withObservability(async (_event: { source: string }) => {
      throw new Error('cannot process');
    });

    // Act
    const invocation = wrapped({ source: 'aws.events' }, lambdaContext('signupflow-evaluator'));

    // Assess
    await expect(invocation).rejects.toThrow('cannot process');
    shared.aggregatedMetrics.flush();
    expect(requestMetrics()).toEqual([]);
  });

  it('puts the correlation id on every log line of an invocation and not on the next one', async () => {
    // Prepare
    output = captureOutput();
    const wrapped = shared.withObservability(async (event: APIGatewayProxyEventV2 | { source: string }) => {
      logger.info('first');
      if (!('source' in event)) logger.appendKeys({ organization_id: 'org-1' });
      logger.warn('second');
      return { statusCode: 200 };
    });
    const apiEvent = httpApiEvent('GET /api/events', { requestId: 'api-gateway-request-1' });

    // Act
    await wrapped(apiEvent, lambdaContext());
    const firstLines = output.records().filter((record) => 'level' in record);
    output.clear();
    await wrapped({ source: 'aws.events' }, lambdaContext());
    const secondLines = output.records().filter((record) => 'level' in record);

    // Assess
    expect(firstLines).toHaveLength(2);
    for (const line of firstLines) expect(line.correlation_id).toBe('api-gateway-request-1');
    expect(firstLines[1]?.organization_id).toBe('org-1');
    expect(secondLines).toHaveLength(2);
    for (const line of secondLines) {
      expect(line.correlation_id).toBeUndefined();
      expect(line.organization_id).toBeUndefined();
      expect(line.function_request_id).toMatch(/^aws-/);
    }
  });
});
