import http from 'node:http';
import https from 'node:https';
import { logger } from './observability';
import { scrub } from './scrubber';
import { importSentry } from './side-bundles';

type Sentry = Awaited<ReturnType<typeof importSentry>>;

export interface ErrorContext {
  route?: string;
  method?: string;
  requestId?: string;
  functionName?: string;
}

/** At most this long is spent delivering a pending event before the invocation returns. */
export const SENTRY_FLUSH_TIMEOUT_MS = 1_000;

/**
 * Sentry's HTTP transport sets no deadline on its requests: one to an ingest that accepts and never answers
 * stays open after the flush gave up. Its requests go through this module instead, which ends a request
 * whose connection has been silent for SENTRY_FLUSH_TIMEOUT_MS (the event is then lost; the log line keeps
 * the whole error, as without Sentry).
 */
const httpModuleWithDeadline = {
  request(
    options: http.RequestOptions,
    callback?: (response: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const request = (options.protocol === 'https:' ? https : http).request(options, callback);
    request.setTimeout(SENTRY_FLUSH_TIMEOUT_MS, () =>
      request.destroy(new Error(`Sentry did not answer within ${SENTRY_FLUSH_TIMEOUT_MS} ms`)),
    );
    return request;
  },
};

let sentry: Promise<Sentry> | undefined;
let warnedMissingDsn = false;

/**
 * What Sentry answered to each event sent, by event id, until `reportError` reads it: a flush that drained
 * says nothing of a 429 (rate limited) or a 5xx, after which Sentry does not have the event.
 */
const sendStatus = new Map<string, number | undefined>();
/** Events sent that no report reads (other captures) are forgotten beyond this many. */
const MAX_REMEMBERED_SENDS = 100;

/**
 * Sentry is loaded and initialised on first use, not at cold start: with errors-only reporting (the default)
 * that is the first error, so a healthy environment never pays Sentry's ~80 ms load. With
 * SENTRY_TRACES_SAMPLE_RATE set, `withObservability` calls `startSentry()` at the first invocation instead.
 */
export function startSentry(): Promise<Sentry> | undefined {
  const dsn = process.env.SENTRY_DSN;
  if (!dsn) {
    if (!warnedMissingDsn) {
      warnedMissingDsn = true;
      logger.warn('SENTRY_DSN is not set: errors are logged but not reported to Sentry');
    }
    return undefined;
  }
  sentry ??= importSentry()
    .then((module) => {
      module.init({
        dsn,
        environment: process.env.SENTRY_ENVIRONMENT,
        release: process.env.GIT_COMMIT_SHA,
        tracesSampleRate: tracesSampleRate(),
        sendDefaultPii: false,
        transportOptions: { httpModule: httpModuleWithDeadline },
        // Release-health sessions describe long-running processes and HTTP servers, not Lambda invocations:
        // they would add an envelope to flushes and make Sentry's crash-free figures meaningless.
        integrations: (defaults) => [
          ...defaults.filter((integration) => !['ProcessSession', 'Http'].includes(integration.name)),
          module.httpIntegration({ trackIncomingRequestsAsSessions: false }),
        ],
        // Errors, breadcrumbs and, with tracing on, transactions and spans (their names and attributes hold URLs).
        beforeSend: (event) => scrub(event),
        beforeSendTransaction: (event) => scrub(event),
        beforeSendSpan: (span) => scrub(span),
        beforeBreadcrumb: (breadcrumb) => scrub(breadcrumb),
      });
      module.getClient()?.on('afterSendEvent', (event, response) => {
        if (!event.event_id) return;
        if (sendStatus.size >= MAX_REMEMBERED_SENDS) sendStatus.clear();
        sendStatus.set(event.event_id, response.statusCode);
      });
      return module;
    })
    .catch((error: unknown) => {
      sentry = undefined; // the next error tries again
      throw error;
    });
  return sentry;
}

export function sentryConfigured(): boolean {
  return Boolean(process.env.SENTRY_DSN);
}

export function tracesSampleRate(): number | undefined {
  const raw = process.env.SENTRY_TRACES_SAMPLE_RATE;
  if (raw === undefined || raw === '') return undefined;
  const rate = Number(raw);
  return Number.isFinite(rate) && rate >= 0 && rate <= 1 ? rate : undefined;
}

/**
 * Sends the error to Sentry with the request's context and waits (bounded) until it has been delivered.
 * Returns Sentry's event id once Sentry accepted it (a 2xx); undefined without a DSN, or when delivery failed,
 * timed out, or Sentry refused the event (429, 5xx): the caller's log line must then keep the whole error.
 */
export async function reportError(error: unknown, context: ErrorContext): Promise<string | undefined> {
  const loading = startSentry();
  if (!loading) return undefined;
  try {
    const module = await loading;
    const eventId = module.captureException(error, {
      tags: {
        route: context.route,
        method: context.method,
        request_id: context.requestId,
        function_name: context.functionName,
        stage: process.env.STAGE,
      },
      contexts: { request: { route: context.route, method: context.method, request_id: context.requestId } },
    });
    const drained = await module.flush(SENTRY_FLUSH_TIMEOUT_MS);
    const status = sendStatus.get(eventId);
    sendStatus.delete(eventId);
    return drained && status !== undefined && status >= 200 && status < 300 ? eventId : undefined;
  } catch (reportingError) {
    logger.error('Could not report the error to Sentry', { reportingError });
    return undefined;
  }
}

/** For tests: forget the loaded client so that the next use reads the environment again. */
export async function resetSentryForTests(): Promise<void> {
  if (sentry) await (await sentry).close(0);
  sendStatus.clear();
  sentry = undefined;
  warnedMissingDsn = false;
}
