import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpResponse, json } from '../../lambdas/shared/http';

/**
 * A handler that does no I/O, so that the warm benchmark measures the wrapper and not Postgres: it answers
 * 200 with a small JSON body, or throws for the route `POST /api/fail` (the error path).
 */
export async function bare(event: APIGatewayProxyEventV2): Promise<HttpResponse> {
  if (event.routeKey === 'POST /api/fail') throw new Error('benchmark error path');
  return json(200, { events: [], nextCursor: null });
}
