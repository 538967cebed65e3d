import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { vi } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';

export interface HealthResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json: Record<string, unknown>;
  elapsedMs: number;
}

/**
 * A fresh health handler module (with fresh probes) for one configuration: env is read at import, so the
 * modules are reset and the variables stubbed first.
 */
export async function loadHealthHandler(env: Record<string, string>) {
  vi.resetModules();
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
  vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SignUpFlow/test');
  vi.stubEnv('METRICS_FLUSH_INTERVAL_SECONDS', '0');
  vi.stubEnv('GIT_COMMIT_SHA', 'abc1234');
  // Each request checks anew unless a test is about reusing results.
  vi.stubEnv('HEALTH_CACHE_SECONDS', '0');
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const { handler } = await import('../../../lambdas/health/handler');
  const { closeEnvironmentProbes } = await import('../../../lambdas/health/environment-probes');

  async function get(routeKey: string, headers: Record<string, string> = {}): Promise<HealthResponse> {
    const startedAt = performance.now();
    const result = (await handler(
      httpApiEvent(routeKey, { headers }),
      lambdaContext('signupflow-health'),
    )) as APIGatewayProxyStructuredResultV2 & { statusCode: number };
    const elapsedMs = performance.now() - startedAt;
    const body = String(result.body);
    return {
      statusCode: result.statusCode,
      headers: result.headers as Record<string, string>,
      body,
      json: JSON.parse(body) as Record<string, unknown>,
      elapsedMs,
    };
  }

  return { handler, get, close: closeEnvironmentProbes };
}

/** A response body must never carry a secret, a host name, a user name or a stack trace. */
export function leaks(body: string, secrets: string[]): string[] {
  const found = secrets.filter((secret) => body.includes(secret));
  if (/\n\s+at |\bat [\w.<>]+ \(|\.ts:\d+|\.js:\d+/.test(body)) found.push('a stack trace');
  return found;
}
