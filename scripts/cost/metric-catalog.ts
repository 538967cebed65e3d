import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StackInventory } from './template';

/**
 * When a series gets data, which decides what it costs: CloudWatch prorates a custom metric by the hours in
 * which it receives data, and the export's ListMetrics (active in the last 3 hours) only lists such series.
 * - `always`: every hour (a scheduled function's own metrics, the API's busy path);
 * - `rare`: only in an hour with a failure, a person's test or a rare cold start (`rareMetricHourShare`);
 * - `route`: by the requests the traffic sends to that route with that status;
 * - `invocations`: in the hours the function runs at all (the notifier runs when there is an alert).
 */
export type Activity =
  | { kind: 'always' }
  | { kind: 'rare' }
  | { kind: 'route'; method: string; path: string; functionDir: string; status: string }
  | { kind: 'invocations'; functionDir: string };

/**
 * The custom metrics the code can emit, as (name, dimension combination) pairs: each is a billed custom
 * metric. Powertools adds the `service` dimension to every one, and every function shares the same service
 * name, so the same pair from two functions is one metric. Values that depend on deployment (routes, the
 * functions that exist) come from the template; query types from the code; the rest is listed here, next to
 * the code that emits it.
 */
export interface MetricFamily {
  name: string;
  /** One entry per dimension combination (besides `service`): when it gets data. */
  series: Activity[];
  source: string;
}

/** Status codes each function's routes answer (`withObservability` records them per route). */
export const STATUS_CODES: Record<string, string[]> = {
  api: ['200', '400', '500'],
  health: ['200', '503'],
};

/** Routes whose status codes differ from their function's: the test error only ever answers 500. */
export const ROUTE_STATUS_CODES: Record<string, string[]> = {
  'POST /api/trigger-test-error': ['500'],
  'GET /live': ['200'],
};

/** Functions run by a schedule keep their environment for hours: a cold start is a rare hour's event. */
export const RARELY_COLD_FUNCTIONS = ['health', 'alert-evaluator'];

/** lambdas/health/health-metrics.ts: healthy (0/1) and response time, per component. */
export const HEALTH_METRICS = ['health_check_healthy', 'health_check_response_time_ms'];
export const HEALTH_COMPONENTS = ['database', 'redis'];

/** lambdas/slack-notifier/handler.ts: outcome × kind pairs it records, and the retry causes. */
export const NOTIFIER_OUTCOMES = [
  'delivered:alert',
  'delivered:alarm',
  'delivered:fallback',
  'skipped:alert',
  'dead_lettered:alert',
  'dead_lettered:alarm',
  'dead_lettered:fallback',
  'dead_lettered:unprocessable',
  'unqueued:any',
];
/** Of those, the outcomes every alert or alarm produces; the others take a failure or an unknown message. */
export const ROUTINE_NOTIFIER_OUTCOMES = ['delivered:alert', 'delivered:alarm'];
export const NOTIFIER_RETRY_CAUSES = ['rate_limited', 'server_error', 'timeout', 'network_error'];

/** lambdas/alert-evaluator/run-metrics.ts: the run's own health, no dimension besides `service`. */
export const EVALUATOR_METRICS = [
  'alert_evaluation_duration_seconds',
  'alert_rules_evaluated',
  'alert_rules_firing',
];
/** Of the run's metrics, those written only by a run that has a failure. */
export const EVALUATOR_FAILURE_METRICS = [
  'alert_rules_in_error',
  'alert_notifications_failed',
  'alert_notifications_expired',
];

const ALWAYS: Activity = { kind: 'always' };
const RARE: Activity = { kind: 'rare' };
const times = (count: number, activity: Activity): Activity[] =>
  Array.from({ length: count }, () => activity);

/** Functions whose database records no query metrics (`UNMEASURED`, lambdas/alert-evaluator/evaluation-run.ts). */
export const UNMEASURED_DATABASE_FUNCTIONS = ['alert-evaluator', 'schema-migrator'];

/** The query types passed to `Database.query(type, ...)` under `lambdas/`, but in functions that record none. */
export function queryTypesInCode(lambdasDir: string): string[] {
  const types = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (entry.name.endsWith('.ts')) {
        for (const match of readFileSync(file, 'utf8').matchAll(/\.query(?:<[^>(]*>)?\(\s*'(\w+)'/g)) {
          if (match[1]) types.add(match[1]);
        }
      }
    }
  };
  for (const entry of readdirSync(lambdasDir, { withFileTypes: true })) {
    if (entry.isDirectory() && !UNMEASURED_DATABASE_FUNCTIONS.includes(entry.name))
      visit(path.join(lambdasDir, entry.name));
  }
  return [...types].sort();
}

export function customMetricFamilies(inventory: StackInventory, queryTypes: string[]): MetricFamily[] {
  const dirOf = new Map(inventory.functions.map((fn) => [fn.logicalId, fn.functionDir]));
  const dirs = new Set(inventory.functions.map((fn) => fn.functionDir));
  const requestSeries = inventory.routes.flatMap((route) => {
    const functionDir = route.functionId ? (dirOf.get(route.functionId) ?? '') : '';
    const codes = ROUTE_STATUS_CODES[`${route.method} ${route.path}`] ??
      STATUS_CODES[functionDir] ?? ['200', '500'];
    return codes.map(
      (status): Activity => ({ kind: 'route', method: route.method, path: route.path, functionDir, status }),
    );
  });
  const families: MetricFamily[] = [
    // Its SampleCount is the quick start's http_requests_total: no count metric of its own.
    { name: 'http_request_duration_seconds', series: requestSeries, source: 'routes × status codes' },
    {
      name: 'ColdStart',
      series: inventory.functions.map(({ functionDir }) =>
        RARELY_COLD_FUNCTIONS.includes(functionDir) ? RARE : { kind: 'invocations', functionDir },
      ),
      source: 'one per function',
    },
  ];
  if (queryTypes.length > 0) {
    families.push(
      {
        name: 'db_query_duration_seconds',
        series: times(queryTypes.length, ALWAYS),
        source: `query types ${queryTypes.join(', ')}`,
      },
      { name: 'db_connections_active', series: [ALWAYS], source: 'no dimension' },
    );
  }
  if (dirs.has('health')) {
    for (const name of HEALTH_METRICS) {
      families.push({
        name,
        series: times(HEALTH_COMPONENTS.length, ALWAYS),
        source: HEALTH_COMPONENTS.join(', '),
      });
    }
  }
  if (dirs.has('slack-notifier')) {
    const whenNotifying: Activity = { kind: 'invocations', functionDir: 'slack-notifier' };
    families.push(
      {
        name: 'slack_notifications_total',
        series: NOTIFIER_OUTCOMES.map((outcome) =>
          ROUTINE_NOTIFIER_OUTCOMES.includes(outcome) ? whenNotifying : RARE,
        ),
        source: 'outcome × kind',
      },
      {
        name: 'slack_delivery_retries_total',
        series: times(NOTIFIER_RETRY_CAUSES.length, RARE),
        source: 'cause',
      },
    );
  }
  if (dirs.has('alert-evaluator')) {
    for (const name of EVALUATOR_METRICS) families.push({ name, series: [ALWAYS], source: 'no dimension' });
    for (const name of EVALUATOR_FAILURE_METRICS)
      families.push({ name, series: [RARE], source: 'no dimension, written only on a failure' });
  }
  return families;
}
