import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import * as Sentry from '@sentry/aws-serverless';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { isHttpApiEvent, routeTemplate, statusCodeOf } from '../../lambdas/shared/http';
import { logger, metrics } from '../../lambdas/shared/observability';

/**
 * The reference the budgets compare with: what a team gets by following each library's getting-started
 * page. Sentry is imported and initialised eagerly at cold start and wraps the handler (it awaits `flush()`
 * on every invocation); Powertools' three middlewares run with their defaults (context on log lines, one EMF
 * document per invocation with the cold-start metric, a handler subsegment); the same per-route metrics as
 * `withObservability`. `@middy/core` is not a dependency of this project, so a ten-line runner calls the
 * middlewares' before/after/onError in middy's order.
 */
/** Created eagerly at load, as the getting-started page shows it. */
const tracer = new Tracer();

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  environment: process.env.SENTRY_ENVIRONMENT,
  release: process.env.GIT_COMMIT_SHA,
});

type Handler<TEvent, TResult> = (event: TEvent, context: Context) => Promise<TResult>;

interface Request {
  event: unknown;
  context: Context;
  response: unknown;
  error: unknown;
  internal: Record<string, unknown>;
}

interface Middleware {
  before?: (request: Request) => unknown;
  after?: (request: Request) => unknown;
  onError?: (request: Request) => unknown;
}

const middlewares = [
  injectLambdaContext(logger),
  logMetrics(metrics, { captureColdStartMetric: true }),
  captureLambdaHandler(tracer),
] as unknown as Middleware[];

export function naiveObservability<TEvent, TResult>(
  handler: Handler<TEvent, TResult>,
): Handler<TEvent, TResult> {
  const composed: Handler<TEvent, TResult> = async (event, context) => {
    const request: Request = { event, context, response: undefined, error: undefined, internal: {} };
    const startedAt = performance.now();
    for (const middleware of middlewares) await middleware.before?.(request);
    try {
      request.response = await handler(event, context);
      recordRequest(event, statusCodeOf(request.response), startedAt);
      for (const middleware of [...middlewares].reverse()) await middleware.after?.(request);
      return request.response as TResult;
    } catch (error) {
      request.error = error;
      recordRequest(event, 500, startedAt);
      for (const middleware of [...middlewares].reverse()) await middleware.onError?.(request);
      throw error;
    }
  };
  return Sentry.wrapHandler(composed) as Handler<TEvent, TResult>;
}

function recordRequest(event: unknown, statusCode: number, startedAt: number): void {
  if (!isHttpApiEvent(event)) return;
  const api = event as APIGatewayProxyEventV2;
  metrics.addDimensions({
    endpoint: routeTemplate(api),
    method: api.requestContext.http.method,
    status_code: String(statusCode),
  });
  metrics.addMetric('http_requests_total', MetricUnit.Count, 1);
  metrics.addMetric(
    'http_request_duration_seconds',
    MetricUnit.Seconds,
    (performance.now() - startedAt) / 1_000,
  );
}
