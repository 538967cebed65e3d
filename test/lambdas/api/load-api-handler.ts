import { vi } from 'vitest';
import type { HttpResponse } from '../../../lambdas/shared/http';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';

export type ApiHandler = typeof import('../../../lambdas/api/handler')['handler'];

/**
 * The API handler against one test database, with Sentry off and its output captured (tests read the log
 * lines); `close()` restores the output and ends the environment's database pool.
 */
export async function loadApiHandler(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<{ handler: ApiHandler; output: CapturedOutput; close(): Promise<void> }> {
  vi.stubEnv('DATABASE_URL', databaseUrl);
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SignUpFlow/test');
  vi.stubEnv('SENTRY_DSN', '');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { handler } = await import('../../../lambdas/api/handler');
  const output = captureOutput();
  return {
    handler,
    output,
    close: async () => {
      output.restore();
      const { lambdaDatabase } = await import('../../../lambdas/shared/lambda-database');
      await (await lambdaDatabase().catch(() => undefined))?.end();
    },
  };
}

/** The answer to an HTTP API request (the handler answers a self-test event with a report instead). */
export async function answerOf(
  handler: ApiHandler,
  event: ReturnType<typeof httpApiEvent>,
): Promise<HttpResponse> {
  return (await handler(event, lambdaContext())) as HttpResponse;
}

/** `GET /api/events` with this query string, answered with its status and parsed body. */
export async function getEvents(handler: ApiHandler, query: Record<string, string>) {
  const response = await answerOf(handler, httpApiEvent('GET /api/events', { query }));
  return { statusCode: response.statusCode, body: JSON.parse(String(response.body)) };
}
