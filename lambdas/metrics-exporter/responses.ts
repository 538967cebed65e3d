import { checkBearer, MAX_AUTHORIZATION_LENGTH } from './bearer-token';
import { PROMETHEUS_CONTENT_TYPE } from './render-snapshot';

/** A plain HTTP answer: the handler returns it as it is, the local server sends it. */
export interface TextResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const NO_STORE = { 'cache-control': 'no-store' };

export function metricsText(body: string): TextResponse {
  return { statusCode: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, ...NO_STORE }, body };
}

/** 503 with a short reason a person reading Prometheus' target page understands; never internals. */
export function unavailable(reason: string): TextResponse {
  return text(503, `${reason}\n`);
}

/**
 * The answer to a request `expected` does not authorize (undefined when it does). `expected` undefined means
 * open: only locally, without METRICS_TOKEN.
 */
export function refusal(
  authorization: string | undefined,
  expected: string | undefined,
): TextResponse | undefined {
  if (expected === undefined) return undefined;
  switch (checkBearer(authorization, expected)) {
    case 'granted':
      return undefined;
    case 'too-long':
      return text(400, `The Authorization header is longer than ${MAX_AUTHORIZATION_LENGTH} characters\n`);
    case 'wrong':
      return text(401, 'Unauthorized\n', {
        'www-authenticate': 'Bearer realm="metrics", error="invalid_token"',
      });
    case 'missing':
      return text(401, 'Unauthorized\n', { 'www-authenticate': 'Bearer realm="metrics"' });
  }
}

function text(statusCode: number, body: string, headers: Record<string, string> = {}): TextResponse {
  return {
    statusCode,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...NO_STORE, ...headers },
    body,
  };
}
