import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResponse = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

export function isHttpApiEvent(event: unknown): event is APIGatewayProxyEventV2 {
  const candidate = event as Partial<APIGatewayProxyEventV2> | null;
  return (
    typeof candidate?.routeKey === 'string' && typeof candidate.requestContext?.http?.method === 'string'
  );
}

/** The route template (`/api/events/{id}`), never the raw path: a bounded metric dimension. */
export function routeTemplate(event: APIGatewayProxyEventV2): string {
  const [, path] = event.routeKey.split(' ');
  return path ?? event.routeKey;
}

/** The status code a Lambda proxy result stands for; API Gateway answers 200 for a result without one. */
export function statusCodeOf(result: unknown): number {
  const statusCode = (result as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? statusCode : 200;
}
