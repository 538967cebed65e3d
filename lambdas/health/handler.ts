import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { type HttpResponse, isHttpApiEvent, json } from '../shared/http';
import { logger } from '../shared/observability';
import { ScheduledEventSchema } from '../shared/scheduled-event';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { aggregatedMetrics, withObservability } from '../shared/with-observability';
import {
  HEALTH_JSON,
  ietfBody,
  ietfLiveBody,
  liveBody,
  quickStartBody,
  wantsHealthJson,
} from './health-body';
import { checkHealth, type HealthReport } from './health-check';
import { recordHealthMetrics } from './health-metrics';
import { RecentCheck } from './recent-check';
import { healthSettings } from './settings';

const release = process.env.GIT_COMMIT_SHA ?? 'unversioned';
const startedAt = Date.now();
const NO_STORE = { 'cache-control': 'no-store' };

/** Every check, from HTTP or the schedule, leaves its metrics; the alarm depends on them. A reused one does not. */
async function check(): Promise<HealthReport> {
  // pg and ioredis are evaluated at the first deep check instead of at INIT: /live never needs them.
  const { environmentProbes } = await import('./environment-probes');
  const report = await checkHealth(environmentProbes);
  recordHealthMetrics(report, aggregatedMetrics);
  if (!report.healthy) {
    logger.warn('Health check failed', {
      components: report.components
        .filter((result) => !result.healthy)
        .map(({ component, error, errorCode }) => ({ component, error, errorCode })),
    });
  }
  return report;
}

const checks = new RecentCheck(check, healthSettings().cacheMs);

function respond(
  status: number,
  body: unknown,
  ietf: boolean,
  headers: Record<string, string> = {},
): HttpResponse {
  return json(status, body, { ...NO_STORE, ...headers, ...(ietf && { 'content-type': HEALTH_JSON }) });
}

type Route = (event: APIGatewayProxyEventV2) => Promise<HttpResponse>;

const deepCheck: Route = async (event) => {
  const ietf = wantsHealthJson(event.headers?.accept);
  const { report, ageMs } = await checks.recent();
  const body = ietf ? ietfBody(report, release) : quickStartBody(report);
  // The body's timestamp is when the check ran; Age says how many whole seconds ago (0 for a new check).
  return respond(report.healthy ? 200 : 503, body, ietf, { age: String(Math.floor(ageMs / 1_000)) });
};

const routes: Record<string, Route> = {
  'GET /health': deepCheck,
  'GET /ready': deepCheck,
  'GET /live': async (event) => {
    const uptimeSeconds = Math.round((Date.now() - startedAt) / 1_000);
    const timestamp = new Date().toISOString();
    const ietf = wantsHealthJson(event.headers?.accept);
    const body = ietf
      ? ietfLiveBody(release, uptimeSeconds, timestamp)
      : liveBody(release, uptimeSeconds, timestamp);
    return respond(200, body, ietf);
  },
};

/**
 * The scheduled probe: always a new check (never a reused result), its metrics written at once so that every
 * minute has a data point.
 */
async function scheduledProbe(): Promise<{ status: string; components: Record<string, string> }> {
  const report = await checks.fresh();
  aggregatedMetrics.flush();
  const { status, components } = quickStartBody(report);
  return {
    status,
    components: Object.fromEntries(
      Object.entries(components).map(([name, result]) => [name, result.error ?? result.status]),
    ),
  };
}

export const handler = withObservability(async (event: unknown) => {
  if (isHttpApiEvent(event)) {
    const route = routes[event.routeKey];
    return route ? route(event) : json(404, { message: 'Not found' }, NO_STORE);
  }
  if (ScheduledEventSchema.safeParse(event).success) return scheduledProbe();
  if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest();
  throw new Error(
    'Unsupported event: expected an API Gateway HTTP API request, an EventBridge scheduled event or a self-test',
  );
});
