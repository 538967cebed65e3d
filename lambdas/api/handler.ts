import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpResponse, json } from '../shared/http';
import { lambdaDatabase } from '../shared/lambda-database';
import { withObservability } from '../shared/with-observability';
import { listEvents } from './events';
import { parseListEventsQuery } from './list-events-query';

/** The quick start's test error: raised on purpose so that an operator can see it arrive in Sentry. */
export class TestError extends Error {
  override name = 'TestError';
}

type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const routes: Record<string, Route> = {
  'GET /api/events': async (event) => {
    const parsed = parseListEventsQuery(event.queryStringParameters);
    if (!parsed.ok) {
      const [first] = parsed.problems;
      return json(400, {
        message: `Invalid query parameter ${first?.parameter}: ${first?.message}`,
        errors: parsed.problems,
      });
    }
    return json(200, await listEvents(await lambdaDatabase(), parsed.query));
  },

  'POST /api/trigger-test-error': async () => {
    if ((process.env.TEST_ERROR_ROUTE ?? 'disabled') === 'disabled')
      return json(404, { message: 'Not found' });
    throw new TestError('This is a test error from SignUpFlow monitoring');
  },
};

export const handler = withObservability(async (event: APIGatewayProxyEventV2) => {
  const route = routes[event.routeKey];
  return route ? route(event) : json(404, { message: 'Not found' });
});
