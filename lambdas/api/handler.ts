import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { isDataException } from '../shared/database';
import { type HttpResponse, json } from '../shared/http';
import { lambdaDatabase } from '../shared/lambda-database';
import { logger } from '../shared/observability';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { withObservability } from '../shared/with-observability';
import { listEvents } from './events';
import { parseListEventsQuery, type QueryProblem } from './list-events-query';

/** The quick start's test error: raised on purpose so that an operator can see it arrive in Sentry. */
export class TestError extends Error {
  override name = 'TestError';
}

type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const routes: Record<string, Route> = {
  'GET /api/events': async (event) => {
    const parsed = parseListEventsQuery(event.queryStringParameters);
    if (!parsed.ok) return invalidQuery(parsed.problems);
    return rejectingDataExceptions(async () =>
      json(200, await listEvents(await lambdaDatabase(), parsed.query)),
    );
  },

  'POST /api/trigger-test-error': async () => {
    if ((process.env.TEST_ERROR_ROUTE ?? 'disabled') === 'disabled')
      return json(404, { message: 'Not found' });
    throw new TestError('This is a test error from SignUpFlow monitoring');
  },
};

function invalidQuery(problems: QueryProblem[]): HttpResponse {
  const [first] = problems;
  return json(400, {
    message: `Invalid query parameter ${first?.parameter}: ${first?.message}`,
    errors: problems,
  });
}

/**
 * Parameters are validated before they reach Postgres, so a data exception (SQLSTATE class 22) means one slipped
 * through: still the request's fault, so a 400 and no page to on-call. Only the SQLSTATE is logged and
 * answered: the database's message may quote the rejected value.
 */
async function rejectingDataExceptions(respond: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await respond();
  } catch (error) {
    if (!isDataException(error)) throw error;
    logger.warn('Postgres rejected a value of the request', { sqlstate: error.code });
    return json(400, { message: 'Invalid query: the database rejected a value', sqlstate: error.code });
  }
}

export const handler = withObservability(async (event: APIGatewayProxyEventV2) => {
  if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest();
  const route = routes[event.routeKey];
  return route ? route(event) : json(404, { message: 'Not found' });
});
