import type { Context } from 'aws-lambda';
import { isHttpApiEvent, json, routeTemplate, statusCodeOf } from './http';
import { MetricAggregator } from './metric-aggregator';
import { logger, metrics, tracer } from './observability';
import {
  type ErrorContext,
  reportError,
  SENTRY_FLUSH_TIMEOUT_MS,
  sentryConfigured,
  startSentry,
  tracesSampleRate,
} from './sentry';
import { flushOnShutdown } from './shutdown';

export type LambdaHandler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

/**
 * Seconds of samples per EMF document (at most 60: each document is stamped with the minute its samples
 * were taken); 0 writes the metrics of every invocation at once.
 */
const flushIntervalSeconds = Number(process.env.METRICS_FLUSH_INTERVAL_SECONDS ?? 60);

/** The environment's one aggregator: request and database metrics share its flushes. */
export const aggregatedMetrics = new MetricAggregator(metrics, {
  flushIntervalMs: Number.isFinite(flushIntervalSeconds) ? flushIntervalSeconds * 1_000 : 60_000,
});

// What is still pending when Lambda reclaims the environment is written before it goes.
flushOnShutdown(() => aggregatedMetrics.flush());

let coldStart = true;

/**
 * The wrapper every handler of the project is exported with: correlation id and Lambda context on every
 * log line, the quick start's request metrics for API events, a trace segment, errors reported to Sentry,
 * and a JSON 500 without internals when an API handler throws (other event sources get the error back so
 * that their retry and dead-letter settings apply).
 */
export function withObservability<TEvent, TResult>(
  handler: LambdaHandler<TEvent, TResult>,
): LambdaHandler<TEvent, TResult> {
  return async (event, context) => {
    const startedAt = performance.now();
    startInvocation(event, context);
    const segment = openTraceSegment();
    try {
      const result = await traced(() => handler(event, context));
      recordRequest(event, statusCodeOf(result), startedAt);
      return result;
    } catch (error) {
      tracer.addErrorAsMetadata(error as Error);
      logger.error('Unhandled error', errorForTheLog(error));
      await reportError(error, errorContext(event, context));
      recordRequest(event, 500, startedAt);
      if (isHttpApiEvent(event)) {
        return json(500, {
          message: 'Internal server error',
          requestId: event.requestContext.requestId,
        }) as TResult;
      }
      throw error;
    } finally {
      closeTraceSegment(segment);
      aggregatedMetrics.flushIfDue();
    }
  };
}

function startInvocation(event: unknown, context: Context): void {
  logger.resetKeys();
  logger.addContext(context);
  if (isHttpApiEvent(event)) logger.setCorrelationId(event.requestContext.requestId);
  if (coldStart) {
    coldStart = false;
    metrics.captureColdStartMetric(context.functionName);
    // Tracing needs Sentry from the first invocation; `traced` reports a failure to start.
    if (tracesSampleRate() !== undefined) startSentry()?.catch(() => undefined);
  }
}

/** Stack frames an error's log line keeps when Sentry has the whole stack: the ones on-call reads first. */
const LOGGED_STACK_FRAMES = 5;

/**
 * The error as its log line shows it. With Sentry configured the stack is cut to its first frames: a full
 * stack is about 1 KB a line, and at a 5% error rate that is most of the function's log bill.
 */
function errorForTheLog(error: unknown): Error {
  if (!(error instanceof Error) || !sentryConfigured() || !error.stack) return error as Error;
  const brief = new Error(error.message, { cause: error.cause });
  brief.name = error.name;
  brief.stack = error.stack
    .split('\n')
    .slice(0, LOGGED_STACK_FRAMES + 1)
    .join('\n');
  return brief;
}

type RequestListener = (
  labels: Record<'endpoint' | 'method' | 'status_code', string>,
  seconds: number,
) => void;
const requestListeners = new Set<RequestListener>();

/** Hears every API request recorded (the local server's Prometheus registry); returns the unsubscribe. */
export function onRequestRecorded(listener: RequestListener): () => void {
  requestListeners.add(listener);
  return () => requestListeners.delete(listener);
}

function recordRequest(event: unknown, statusCode: number, startedAt: number): void {
  if (!isHttpApiEvent(event)) return;
  const dimensions = {
    endpoint: routeTemplate(event),
    method: event.requestContext.http.method,
    status_code: String(statusCode),
  };
  for (const listener of requestListeners) listener(dimensions, secondsSince(startedAt));
  aggregatedMetrics.count('http_requests_total', dimensions);
  aggregatedMetrics.add('http_request_duration_seconds', 'Seconds', secondsSince(startedAt), dimensions);
  // An error is what on-call looks at first: it never waits for its minute to close. Every pending series
  // goes with it (each in its own minute's document), so that the 5xx count and the request count it is
  // divided by reach CloudWatch together.
  if (statusCode >= 500) aggregatedMetrics.flush();
}

function secondsSince(startedAt: number): number {
  return Math.round(performance.now() - startedAt) / 1_000;
}

function errorContext(event: unknown, context: Context): ErrorContext {
  if (!isHttpApiEvent(event)) return { functionName: context.functionName, requestId: context.awsRequestId };
  return {
    functionName: context.functionName,
    route: routeTemplate(event),
    method: event.requestContext.http.method,
    requestId: event.requestContext.requestId,
  };
}

/** With SENTRY_TRACES_SAMPLE_RATE set, the invocation is a Sentry transaction too. */
async function traced<T>(run: () => Promise<T>): Promise<T> {
  if (tracesSampleRate() === undefined) return run();
  const sentry = await startSentry()?.catch((error: unknown) => {
    logger.error('Sentry could not start: the invocation runs without a transaction', {
      reason: String(error),
    });
    return undefined;
  });
  if (!sentry) return run();
  let sampled = false;
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'handler';
  const result = await sentry.startSpan({ name, op: 'function.aws.lambda' }, (span) => {
    sampled = span.isRecording();
    return run();
  });
  if (sampled) await sentry.flush(SENTRY_FLUSH_TIMEOUT_MS);
  return result;
}

type Segment = ReturnType<Tracer['getSegment']>;
type Tracer = typeof tracer;

function openTraceSegment(): { parent: Segment; handler: Segment } | undefined {
  if (!tracer.isTracingEnabled()) return undefined;
  const parent = tracer.getSegment();
  const handler = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
  if (handler) tracer.setSegment(handler);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  return { parent, handler };
}

function closeTraceSegment(segment: { parent: Segment; handler: Segment } | undefined): void {
  if (!segment?.handler || !segment.parent) return;
  segment.handler.close();
  tracer.setSegment(segment.parent);
}
