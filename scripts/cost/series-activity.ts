import { HOURS_PER_MONTH } from './assumptions';
import { invocationsPerMonth } from './invocations';
import type { Activity } from './metric-catalog';
import type { CostInput } from './model';

/** Routes no traffic of the scenario calls: a person's test or check, so a rare hour's data. */
export const PERSON_ONLY_ROUTES = ['POST /api/trigger-test-error', 'GET /ready', 'GET /live'];

/** Share of API requests answered 4xx (a bad cursor, a missing organisation): common, never zero. */
export const CLIENT_ERROR_SHARE = 0.01;

/** Requests per hour the scenario sends to one route's status code; undefined for a rare one. */
function requestsPerHour(
  activity: Extract<Activity, { kind: 'route' }>,
  input: CostInput,
): number | undefined {
  const a = input.assumptions;
  if (PERSON_ONLY_ROUTES.includes(`${activity.method} ${activity.path}`)) return undefined;
  const statusClass = activity.status.charAt(0);
  switch (activity.functionDir) {
    case 'api': {
      const apiRoutes = input.inventory.routes.filter(
        (route) =>
          route.functionId &&
          input.inventory.functions.find((fn) => fn.logicalId === route.functionId)?.functionDir === 'api' &&
          !PERSON_ONLY_ROUTES.includes(`${route.method} ${route.path}`),
      ).length;
      const share =
        statusClass === '5' ? a.errorRate : statusClass === '4' ? CLIENT_ERROR_SHARE : 1 - a.errorRate;
      return (a.requestsPerSecond * 3_600 * share) / Math.max(1, apiRoutes);
    }
    case 'health':
      return statusClass === '2' ? a.healthChecksPerMinute * 60 : undefined;
    case 'metrics-exporter':
      return statusClass === '2' ? a.metricsScrapesPerMinute * 60 : undefined;
    default:
      return undefined;
  }
}

/** Events arriving at `perHour` as a Poisson process: the share of hours with at least one. */
export function hoursWithAny(perHour: number): number {
  return perHour > 0 ? 1 - Math.exp(-perHour) : 0;
}

/** The share of the month's hours in which a series of this activity gets data (what CloudWatch bills). */
export function hourShare(activity: Activity, input: CostInput): number {
  switch (activity.kind) {
    case 'always':
      return 1;
    case 'rare':
      return input.assumptions.rareMetricHourShare;
    case 'route': {
      const perHour = requestsPerHour(activity, input);
      return perHour === undefined ? input.assumptions.rareMetricHourShare : hoursWithAny(perHour);
    }
    case 'invocations': {
      const fn = input.inventory.functions.find(
        (candidate) => candidate.functionDir === activity.functionDir,
      );
      return fn ? hoursWithAny(invocationsPerMonth(input, fn) / HOURS_PER_MONTH) : 0;
    }
  }
}

/** The share of exports whose ListMetrics (data in the last 3 hours) lists a series of this activity. */
export function listedShare(activity: Activity, input: CostInput): number {
  return 1 - (1 - hourShare(activity, input)) ** 3;
}
