import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { closedPort, startHungServer } from '../../support/hung-server';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { captureOutput } from '../../support/output';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';
import { closedByClient } from '../../support/socket-waits';

type Shared = typeof import('../../../lambdas/shared/with-observability');
type SentryModule = typeof import('../../../lambdas/shared/sentry');

describe('errors reported to Sentry', () => {
  let sentryServer: SentryStandIn;
  let shared: Shared;
  let sentry: SentryModule;

  const failingHandler = () =>
    shared.withObservability(async (event: APIGatewayProxyEventV2) => {
      if (event.queryStringParameters?.fail) throw new TypeError('Cannot read properties of undefined');
      return { statusCode: 200, body: '[]' };
    });

  beforeAll(async () => {
    sentryServer = await startSentryStandIn();
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SignUpFlow/test');
    vi.stubEnv('SENTRY_ENVIRONMENT', 'staging');
    vi.stubEnv('GIT_COMMIT_SHA', '0a1b2c3d');
    vi.stubEnv('STAGE', 'staging');
    shared = await import('../../../lambdas/shared/with-observability');
    sentry = await import('../../../lambdas/shared/sentry');
  });

  afterEach(async () => {
    await sentry.resetSentryForTests();
    sentryServer.envelopes.length = 0;
    sentryServer.reply.status = 200;
    sentryServer.reply.delayMs = 0;
    vi.unstubAllEnvs();
  });

  /** One failing API invocation: its answer, how long it took, and the log lines it wrote. */
  async function failOnce() {
    const output = captureOutput();
    await sentry.startSentry(); // loaded and initialised: what is timed is the report alone
    try {
      const startedAt = performance.now();
      const response = await failingHandler()(
        httpApiEvent('GET /api/events', { query: { fail: '1' } }),
        lambdaContext(),
      );
      return { response, elapsedMs: performance.now() - startedAt, records: output.records() };
    } finally {
      output.restore();
    }
  }

  const WHOLE_ERROR = expect.objectContaining({
    level: 'ERROR',
    message: 'Unhandled error',
    error: expect.objectContaining({ name: 'TypeError', stack: expect.stringContaining('TypeError') }),
  });
  afterAll(() => sentryServer.close());

  it('delivers a thrown error as an envelope with the exception, route, method, request id, release and environment', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    const output = captureOutput();
    const event = httpApiEvent('GET /api/events/{id}', { rawPath: '/api/events/7', query: { fail: '1' } });

    // Act
    const response = await failingHandler()(event, lambdaContext());
    output.restore();

    // Assess
    expect(response).toMatchObject({ statusCode: 500 });
    const [reported] = sentryServer.events();
    expect(sentryServer.events()).toHaveLength(1);
    expect(reported).toMatchObject({
      release: '0a1b2c3d',
      environment: 'staging',
      exception: {
        values: [
          expect.objectContaining({ type: 'TypeError', value: 'Cannot read properties of undefined' }),
        ],
      },
      tags: expect.objectContaining({
        route: '/api/events/{id}',
        method: 'GET',
        request_id: event.requestContext.requestId,
        function_name: 'signupflow-api',
        stage: 'staging',
      }),
    });
  });

  it('sends nothing for a successful invocation', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    const wrapped = failingHandler();
    await wrapped(httpApiEvent('GET /api/events', { query: { fail: '1' } }), lambdaContext());
    sentryServer.envelopes.length = 0;

    // Act
    const response = await wrapped(httpApiEvent('GET /api/events'), lambdaContext());
    await (await sentry.startSentry())?.flush(1_000);

    // Assess
    expect(response).toMatchObject({ statusCode: 200 });
    expect(sentryServer.envelopes).toEqual([]);
  });

  it('gives up on a Sentry that accepts and never answers after its flush timeout: 500, and the whole error in the log', async () => {
    // Prepare
    const hung = await startHungServer();
    vi.stubEnv('SENTRY_DSN', `http://publickey@127.0.0.1:${hung.port}/1`);
    try {
      // Act
      const { response, elapsedMs, records } = await failOnce();
      // Assess: the flush waits SENTRY_FLUSH_TIMEOUT_MS, then the error line keeps the stack (it is the only record)
      expect(response).toMatchObject({ statusCode: 500 });
      expect(elapsedMs).toBeGreaterThanOrEqual(sentry.SENTRY_FLUSH_TIMEOUT_MS - 50);
      expect(elapsedMs).toBeLessThan(sentry.SENTRY_FLUSH_TIMEOUT_MS + 500);
      expect(hung.connections).toBeGreaterThanOrEqual(1);
      expect(records).toContainEqual(WHOLE_ERROR);
      // Sentry's own transport would leave the request open: its deadline closed it
      await closedByClient(hung);
    } finally {
      await hung.close();
    }
  });

  it('keeps the whole error in the log when nothing listens at the DSN', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', `http://publickey@127.0.0.1:${await closedPort()}/1`);
    // Act
    const { response, elapsedMs, records } = await failOnce();
    // Assess
    expect(response).toMatchObject({ statusCode: 500 });
    expect(elapsedMs).toBeLessThan(sentry.SENTRY_FLUSH_TIMEOUT_MS);
    expect(records).toContainEqual(WHOLE_ERROR);
  });

  it.each([429, 503])(
    'keeps the whole error in the log when Sentry answers %i: it does not have the event',
    async (status) => {
      // Prepare
      vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
      sentryServer.reply.status = status;
      // Act
      const { response, records } = await failOnce();
      // Assess
      expect(response).toMatchObject({ statusCode: 500 });
      expect(records).toContainEqual(WHOLE_ERROR);
      expect(records.filter((record) => 'sentry_event_id' in record)).toEqual([]);
    },
  );

  it('keeps the whole error in the log when Sentry answers later than its flush timeout', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    sentryServer.reply.delayMs = sentry.SENTRY_FLUSH_TIMEOUT_MS + 500;
    // Act
    const { response, elapsedMs, records } = await failOnce();
    // Assess
    expect(response).toMatchObject({ statusCode: 500 });
    expect(elapsedMs).toBeLessThan(sentry.SENTRY_FLUSH_TIMEOUT_MS + 500);
    expect(records).toContainEqual(WHOLE_ERROR);
  });

  it('without a DSN, warns once and never loads Sentry', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', '');
    const output = captureOutput();
    const wrapped = failingHandler();

    // Act
    await wrapped(httpApiEvent('GET /api/events', { query: { fail: '1' } }), lambdaContext());
    await wrapped(httpApiEvent('GET /api/events', { query: { fail: '1' } }), lambdaContext());
    output.restore();

    // Assess
    const warnings = output
      .records()
      .filter((record) => String(record.message).startsWith('SENTRY_DSN is not set'));
    expect(warnings).toHaveLength(1);
    expect(sentry.startSentry()).toBeUndefined();
    expect(sentryServer.envelopes).toEqual([]);
  });

  const deepError = () =>
    shared.withObservability(async () => {
      const recurse = (depth: number): never => {
        if (depth === 0) throw new RangeError('too deep');
        return recurse(depth - 1);
      };
      return recurse(20);
    });
  const errorLineOf = (output: ReturnType<typeof captureOutput>) =>
    output
      .text()
      .split('\n')
      .find((line) => line.includes('"Unhandled error"')) ?? '';

  it('logs a line of a few hundred bytes with the Sentry event id when Sentry has the whole stack', async () => {
    // Prepare: Lambda's trace header of an invocation behind an HTTP API, which X-Ray does not sample
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-6748a2c0-4a1b2c3d4e5f60718293a4b5;Parent=53995c3f42cd8ad8;Sampled=0',
    );
    const output = captureOutput();

    // Act
    await deepError()(httpApiEvent('GET /api/deep'), lambdaContext());
    output.restore();

    // Assess: the line names the event Sentry received, and the stack is only in Sentry.
    const line = errorLineOf(output);
    const record = JSON.parse(line) as Record<string, unknown> & {
      sentry_event_id: string;
      error: Record<string, string>;
    };
    const [reported] = sentryServer.events() as {
      event_id: string;
      exception: { values: { stacktrace: { frames: unknown[] } }[] };
    }[];
    expect(record.sentry_event_id).toBe(reported?.event_id);
    expect(record).toMatchObject({
      level: 'ERROR',
      correlation_id: expect.any(String),
      function_request_id: expect.any(String),
    });
    for (const repeated of ['function_arn', 'sampling_rate', 'xray_trace_id'])
      expect(record).not.toHaveProperty(repeated);
    expect(record.error).toMatchObject({ name: 'RangeError', message: 'too deep' });
    expect(record.error.location).toMatch(/sentry\.test\.ts:\d+/);
    expect(record.error.stack).toBeUndefined();
    expect(Buffer.byteLength(line)).toBeLessThan(450);
    expect(reported?.exception.values[0]?.stacktrace.frames.length).toBeGreaterThan(5);
  });

  it('logs the whole stack when Sentry is not configured: the log line is then the only record', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', '');
    const output = captureOutput();

    // Act
    await deepError()(httpApiEvent('GET /api/deep'), lambdaContext());
    output.restore();

    // Assess
    const record = JSON.parse(errorLineOf(output)) as { sentry_event_id?: string; error: { stack: string } };
    expect(record.sentry_event_id).toBeUndefined();
    expect(record.error.stack.split('\n')).toHaveLength(Error.stackTraceLimit + 1);
  });

  it('with tracing on, sends the invocation as a transaction with secrets scrubbed from span names', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    vi.stubEnv('SENTRY_TRACES_SAMPLE_RATE', '1');
    const secretUrl = 'https://hooks.slack.com/services/T0SIGNUP/B0FLOW/tracingSecretPart';
    const traced = shared.withObservability(async () => {
      const Sentry = await import('@sentry/aws-serverless');
      await Sentry.startSpan({ name: `POST ${secretUrl}`, op: 'http.client' }, async () => undefined);
      return { statusCode: 200 };
    });

    // Act
    const response = await traced(httpApiEvent('GET /api/events'), lambdaContext());
    vi.stubEnv('SENTRY_TRACES_SAMPLE_RATE', '');

    // Assess
    expect(response).toMatchObject({ statusCode: 200 });
    const transactions = sentryServer.envelopes.flatMap((envelope) =>
      envelope.items.filter((item) => item.header.type === 'transaction'),
    );
    expect(transactions).toHaveLength(1);
    const raw = sentryServer.envelopes.map((envelope) => envelope.raw).join('\n');
    expect(raw).toContain('http.client');
    expect(raw).not.toContain('tracingSecretPart');
  });

  it('with tracing on, scrubs secrets from the transaction itself: its tags, extras and request URL', async () => {
    // Prepare
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    vi.stubEnv('SENTRY_TRACES_SAMPLE_RATE', '1');
    const traced = shared.withObservability(async () => {
      const Sentry = await import('@sentry/aws-serverless');
      Sentry.setTag('destination', 'https://hooks.slack.com/services/T0SIGNUP/B0FLOW/tagSecretPart');
      Sentry.setExtra('database', 'postgres://monitor:extraSecretPassword@db.internal:5432/signupflow');
      Sentry.getIsolationScope().setSDKProcessingMetadata({
        normalizedRequest: { method: 'GET', url: 'https://api.example.com/api/events?token=urlSecretToken' },
      });
      return { statusCode: 200 };
    });

    // Act
    const response = await traced(httpApiEvent('GET /api/events'), lambdaContext());
    vi.stubEnv('SENTRY_TRACES_SAMPLE_RATE', '');

    // Assess: the fields arrive, without their secrets.
    expect(response).toMatchObject({ statusCode: 200 });
    // The invocation's transaction: with tracing on, the stand-in's own requests (same process) are
    // transactions too, and they may arrive first.
    const [transaction] = sentryServer.envelopes.flatMap((envelope) =>
      envelope.items
        .filter((item) => item.header.type === 'transaction')
        .map((item) => item.payload as { contexts?: { trace?: { op?: string } } })
        .filter((payload) => payload.contexts?.trace?.op === 'function.aws.lambda'),
    );
    expect(transaction).toMatchObject({
      tags: expect.objectContaining({ destination: expect.any(String) }),
      extra: expect.objectContaining({ database: expect.stringContaining('db.internal') }),
      request: expect.objectContaining({ url: expect.stringContaining('api.example.com') }),
    });
    const raw = sentryServer.envelopes.map((envelope) => envelope.raw).join('\n');
    for (const secret of ['tagSecretPart', 'extraSecretPassword', 'urlSecretToken']) {
      expect(raw).not.toContain(secret);
    }
  });
});
