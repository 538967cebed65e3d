import { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { BriefLogFormatter } from './brief-log-formatter';
import { isHttpApiEvent, json, routeTemplate, statusCodeOf } from './http';
import { ERROR_FLUSH_MIN_INTERVAL_MS, MetricAggregator } from './metric-aggregator';
import { logger, metrics, sampledTracer } from './observability';
import { scrubReplacer } from './scrubber';
import {
  type ErrorContext,
  reportError,
  SENTRY_FLUSH_TIMEOUT_MS,
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

/** Milliseconds between two publications at a 5xx; 0 publishes at every 5xx (the benchmark measures so). */
const errorFlushMinIntervalMs = Number(
  process.env.METRICS_ERROR_FLUSH_MIN_INTERVAL_MS ?? ERROR_FLUSH_MIN_INTERVAL_MS,
);

/** The environment's one aggregator: request and database metrics share its flushes. */
export const aggregatedMetrics = new MetricAggregator(metrics, {
  flushIntervalMs: Number.isFinite(flushIntervalSeconds) ? flushIntervalSeconds * 1_000 : 60_000,
  errorFlushMinIntervalMs: Number.isFinite(errorFlushMinIntervalMs)
    ? errorFlushMinIntervalMs
    : ERROR_FLUSH_MIN_INTERVAL_MS,
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
    const segment = await openTraceSegment();
    try {
      const result = await traced(() => handler(event, context));
      recordRequest(event, statusCodeOf(result), startedAt);
      return result;
    } catch (error) {
      segment?.tracer.addErrorAsMetadata(error as Error);
      const sentryEventId = await reportError(error, errorContext(event, context));
      if (sentryEventId) logBriefError(error, sentryEventId, event, context);
      else logger.error('Unhandled error', error as Error);
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

/** Characters of an error message its brief log line keeps: Sentry has the whole message. */
const BRIEF_MESSAGE_CHARS = 200;

/** Writes the brief error lines, in the brief format (BriefLogFormatter). */
let briefLogger: Logger | undefined;

/**
 * The error line when Sentry has the event: its id, the ids to find the request by, the error's name, message
 * and where it was thrown; about 350 bytes instead of 1.5 KB with Powertools' context keys and a stack. At a
 * 5% error rate the stack was a third of the API function's log bill. Without Sentry (no DSN, or delivery
 * failed) the line keeps the whole stack: it is then the only record.
 */
function logBriefError(error: unknown, sentryEventId: string, event: unknown, context: Context): void {
  briefLogger ??= new Logger({ jsonReplacerFn: scrubReplacer, logFormatter: new BriefLogFormatter() });
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  const thrownAt = error instanceof Error ? /\n\s+at (.+)/.exec(error.stack ?? '')?.[1] : undefined;
  briefLogger.error('Unhandled error', {
    correlation_id: isHttpApiEvent(event) ? event.requestContext.requestId : undefined,
    function_request_id: context.awsRequestId,
    sentry_event_id: sentryEventId,
    error: {
      name,
      message: message.slice(0, BRIEF_MESSAGE_CHARS),
      location: thrownAt?.slice(0, BRIEF_MESSAGE_CHARS),
    },
  });
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
  // Every request records its duration, so CloudWatch's SampleCount of the duration is the quick start's
  // http_requests_total: a count of its own would be a second custom metric per series for the same number.
  // /metrics and InfluxDB export it under that name (lambdas/alert-evaluator/export/export-set.ts).
  aggregatedMetrics.add('http_request_duration_seconds', 'Seconds', secondsSince(startedAt), dimensions);
  // An error is what on-call looks at first: its own series (this 5xx's duration, which counts it) does not
  // wait for its minute to close (after another 5xx published less than 5 s ago, it goes with the first
  // invocation after those 5 s, or at shutdown). The other series keep waiting for their minute: sending
  // them along split each minute into extra documents, about half of the API's log bytes at a 5% error
  // rate. Alarms and the evaluator's error_rate divide API Gateway's own 5xx by its Count, not these
  // metrics; the dashboard's "5xx error rate" widget divides these counts and may read high for the newest
  // period until the requests of the open minute arrive, at most a minute later.
  if (statusCode >= 500) aggregatedMetrics.flushForError(dimensions);
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
interface OpenSegment {
  tracer: Tracer;
  parent: Segment;
  handler: Segment;
}

/** A subsegment for the handler when X-Ray sampled the invocation (the tracer is loaded only then). */
async function openTraceSegment(): Promise<OpenSegment | undefined> {
  const tracer = await sampledTracer();
  if (!tracer?.isTracingEnabled()) return undefined;
  const parent = tracer.getSegment();
  const handler = parent?.addNewSubsegment(`## ${process.env._HANDLER ?? 'handler'}`);
  if (handler) tracer.setSegment(handler);
  tracer.annotateColdStart();
  tracer.addServiceNameAnnotation();
  return { tracer, parent, handler };
}

function closeTraceSegment(segment: OpenSegment | undefined): void {
  if (!segment?.handler || !segment.parent) return;
  segment.handler.close();
  segment.tracer.setSegment(segment.parent);
}
