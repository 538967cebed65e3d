import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { listEvents } from '../../lambdas/api/events';
import { parseListEventsQuery } from '../../lambdas/api/list-events-query';
import { createDatabase, type Database } from '../../lambdas/shared/database';
import { type HttpResponse, json } from '../../lambdas/shared/http';
import { metrics } from '../../lambdas/shared/observability';
import { naiveObservability } from './naive-observability';

/** `lambdas/api/handler.ts`'s routes, composed the naive way (see naive-observability.ts). */
let database: Promise<Database> | undefined;

/** The naive way: a document per sample, gauges included. */
function publishSingle(
  name: string,
  unit: 'Seconds' | 'Count',
  value: number,
  dimensions: Record<string, string>,
): void {
  const single = metrics.singleMetric();
  single.addDimensions(dimensions);
  single.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value);
}

const recorder = { add: publishSingle, highest: publishSingle };

type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const routes: Record<string, Route> = {
  'GET /api/events': async (event) => {
    const parsed = parseListEventsQuery(event.queryStringParameters);
    if (!parsed.ok) return json(400, { message: 'Invalid query', errors: parsed.problems });
    database ??= createDatabase(recorder);
    return json(200, await listEvents(await database, parsed.query));
  },
  'POST /api/trigger-test-error': async () => {
    throw new Error('This is a test error from SignUpFlow monitoring');
  },
};

export const handler = naiveObservability(async (event: APIGatewayProxyEventV2) => {
  const route = routes[event.routeKey];
  return route ? route(event) : json(404, { message: 'Not found' });
});
