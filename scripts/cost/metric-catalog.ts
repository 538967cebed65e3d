import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StackInventory } from './template';

/**
 * The custom metrics the code can emit, as (name, dimension combination) pairs: each is a billed custom
 * metric. Powertools adds the `service` dimension to every one, and every function shares the same service
 * name, so the same pair from two functions is one metric. Values that depend on deployment (routes, the
 * functions that exist) come from the template; query types from the code; the rest is listed here, next to
 * the code that emits it.
 */
export interface MetricFamily {
  name: string;
  /** Dimension combinations (besides `service`). */
  combinations: number;
  /**
   * Of those, combinations that only see data in a rare hour (a health check's 503, a dead letter, a retry, a
   * cold start of a scheduled function): CloudWatch prorates a custom metric by the hours it receives data.
   */
  rareCombinations?: number;
  /** Of the request families' combinations, those of 2xx statuses (the export queries their quantiles). */
  successCombinations?: number;
  source: string;
}

/** Status codes each function's routes answer (`withObservability` records them per route). */
export const STATUS_CODES: Record<string, string[]> = {
  api: ['200', '400', '500'],
  health: ['200', '503'],
};

/** Status codes that only a failure produces, rare enough that most hours see none (health's 503). */
export const RARE_STATUS_CODES = ['503'];

/** Functions run by a schedule keep their environment for hours: a cold start is a rare hour's event. */
export const RARELY_COLD_FUNCTIONS = ['health', 'alert-evaluator'];

/** Routes whose status codes differ from their function's: the test error only ever answers 500. */
export const ROUTE_STATUS_CODES: Record<string, string[]> = {
  'POST /api/trigger-test-error': ['500'],
  'GET /live': ['200'],
};

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
/** Of those, the outcomes only a failure or an unknown message produces. */
export const RARE_NOTIFIER_OUTCOMES = NOTIFIER_OUTCOMES.filter(
  (outcome) => !['delivered:alert', 'delivered:alarm'].includes(outcome),
);
export const NOTIFIER_RETRY_CAUSES = ['rate_limited', 'server_error', 'timeout', 'network_error'];

/** lambdas/alert-evaluator/handler.ts recordRun: the run's own health, no dimension besides `service`. */
export const EVALUATOR_METRICS = [
  'alert_evaluation_runs',
  'alert_evaluation_duration_seconds',
  'alert_rules_evaluated',
  'alert_rules_firing',
  'alert_rules_in_error',
  'alert_notifications_failed',
];

/** The query types passed to `Database.query(type, ...)` anywhere under `lambdas/`. */
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
  visit(lambdasDir);
  return [...types].sort();
}

export function customMetricFamilies(inventory: StackInventory, queryTypes: string[]): MetricFamily[] {
  const dirOf = new Map(inventory.functions.map((fn) => [fn.logicalId, fn.functionDir]));
  const dirs = new Set(inventory.functions.map((fn) => fn.functionDir));
  const statusCodesOf = (route: (typeof inventory.routes)[number]) => {
    const dir = route.functionId ? (dirOf.get(route.functionId) ?? '') : '';
    return ROUTE_STATUS_CODES[`${route.method} ${route.path}`] ?? STATUS_CODES[dir] ?? ['200', '500'];
  };
  const requestCombinations = inventory.routes.reduce((sum, route) => sum + statusCodesOf(route).length, 0);
  const rareRequestCombinations = inventory.routes.reduce(
    (sum, route) => sum + statusCodesOf(route).filter((code) => RARE_STATUS_CODES.includes(code)).length,
    0,
  );
  const successCombinations = inventory.routes.reduce(
    (sum, route) => sum + statusCodesOf(route).filter((code) => code.startsWith('2')).length,
    0,
  );
  const families: MetricFamily[] = [
    {
      name: 'http_requests_total',
      combinations: requestCombinations,
      rareCombinations: rareRequestCombinations,
      source: 'routes × status codes',
    },
    {
      name: 'http_request_duration_seconds',
      combinations: requestCombinations,
      rareCombinations: rareRequestCombinations,
      successCombinations,
      source: 'routes × status codes',
    },
    {
      name: 'ColdStart',
      combinations: inventory.functions.length,
      rareCombinations: inventory.functions.filter((fn) => RARELY_COLD_FUNCTIONS.includes(fn.functionDir))
        .length,
      source: 'one per function',
    },
  ];
  if (queryTypes.length > 0) {
    families.push(
      {
        name: 'db_query_duration_seconds',
        combinations: queryTypes.length,
        source: `query types ${queryTypes.join(', ')}`,
      },
      { name: 'db_connections_active', combinations: 1, source: 'no dimension' },
    );
  }
  if (dirs.has('health')) {
    for (const name of HEALTH_METRICS) {
      families.push({ name, combinations: HEALTH_COMPONENTS.length, source: HEALTH_COMPONENTS.join(', ') });
    }
  }
  if (dirs.has('slack-notifier')) {
    families.push(
      {
        name: 'slack_notifications_total',
        combinations: NOTIFIER_OUTCOMES.length,
        rareCombinations: RARE_NOTIFIER_OUTCOMES.length,
        source: 'outcome × kind',
      },
      {
        name: 'slack_delivery_retries_total',
        combinations: NOTIFIER_RETRY_CAUSES.length,
        rareCombinations: NOTIFIER_RETRY_CAUSES.length,
        source: 'cause',
      },
    );
  }
  if (dirs.has('alert-evaluator')) {
    for (const name of EVALUATOR_METRICS) families.push({ name, combinations: 1, source: 'no dimension' });
  }
  return families;
}
