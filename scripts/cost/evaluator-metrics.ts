import { exportQueries } from '../../lambdas/alert-evaluator/export/export-set';
import type { Deployment, MetricQuery, RuleMetric } from '../../lambdas/alert-evaluator/metric-catalogue';
import { resolveMetric } from '../../lambdas/alert-evaluator/metric-catalogue';
import {
  billedMetrics,
  metricStatKey,
  metricStatsOf,
  planQueries,
} from '../../lambdas/alert-evaluator/metric-plan';

const DEPLOYMENT: Deployment = {
  namespace: 'SignUpFlow/production',
  serviceName: 'signupflow',
  httpApiId: 'api',
  functionNames: { api: 'api' },
  deadLetterQueueName: 'dlq',
};

const rule = (metricName: RuleMetric['metricName'], dimensions: Record<string, string> = {}): RuleMetric => ({
  metricName,
  dimensions,
  statistic: null,
  cloudwatchNamespace: null,
  cloudwatchMetricName: null,
});

/**
 * The rule set a stage starts with, in the order rules are added: the quick start's high error rate, a
 * warning on the same metric, latency, traffic, health, function errors and throttles, dead letters.
 */
const TYPICAL_RULES: RuleMetric[] = [
  rule('error_rate'),
  rule('error_rate'),
  rule('latency_p99', { endpoint: '/api/events' }),
  rule('latency_p99'),
  rule('request_rate'),
  rule('health_status', { component: 'database' }),
  rule('health_status', { component: 'redis' }),
  rule('function_errors', { function: 'api' }),
  rule('function_throttles', { function: 'api' }),
  rule('notifier_dead_letters'),
];

/** A request series the export finds, and the share of exports whose ListMetrics lists it. */
export interface ListedRoute {
  method: string;
  path: string;
  status: string;
  share: number;
}

const PERIOD_SECONDS = 60;

/**
 * What one evaluation asks GetMetricData for, with `count` rules: the typical rules first, each rule beyond
 * them on a metric of its own (the dear case). Priced through the evaluator's own catalogue and planner, so
 * that rules sharing a metric cost it once and error_rate's two API Gateway metrics cost two.
 * `sharedWithExport` is what of it an export asks too (the health checks, the API function's errors and
 * throttles, the dead letters, a route's p99), weighted by `routes`' shares: an export's queries join its
 * run's calls, where a metric both read is billed once.
 */
export function evaluatorMetrics(
  count: number,
  routes: ListedRoute[] = [],
): { distinctQueries: number; billedMetrics: number; sharedWithExport: number } {
  const rules = Array.from({ length: count }, (_, index) =>
    index < TYPICAL_RULES.length
      ? (TYPICAL_RULES[index] as RuleMetric)
      : {
          ...rule('cloudwatch', { rule: String(index) }),
          cloudwatchNamespace: 'Custom',
          cloudwatchMetricName: 'm',
        },
  );
  const plan = planQueries(
    rules.map((item) => ({
      query: resolveMetric(item, DEPLOYMENT),
      periodSeconds: PERIOD_SECONDS,
      rangePeriods: 5,
    })),
  );
  const ruleKeys = new Set(
    plan.queries.flatMap(({ query }) =>
      metricStatsOf(query).map((metric) => metricStatKey(metric, PERIOD_SECONDS)),
    ),
  );
  const exportShares = new Map<string, number>();
  for (const { query, share } of exportedQueries(routes)) {
    for (const metric of metricStatsOf(query)) {
      const key = metricStatKey(metric, PERIOD_SECONDS);
      exportShares.set(key, Math.max(exportShares.get(key) ?? 0, share));
    }
  }
  let sharedWithExport = 0;
  for (const [key, share] of exportShares) if (ruleKeys.has(key)) sharedWithExport += share;
  return {
    distinctQueries: plan.queries.length,
    billedMetrics: billedMetrics(plan.queries),
    sharedWithExport,
  };
}

/** The export's queries: the fixed ones, always asked, and each route's latency, as often as it is listed. */
function exportedQueries(routes: ListedRoute[]): { query: MetricQuery; share: number }[] {
  const fixed = exportQueries([], DEPLOYMENT).map(({ query }) => ({ query, share: 1 }));
  const routed = routes.flatMap((route) => {
    const dimensions = {
      service: DEPLOYMENT.serviceName,
      endpoint: route.path,
      method: route.method,
      status_code: route.status,
    };
    return exportQueries([{ metricName: 'http_request_duration_seconds', dimensions }], DEPLOYMENT)
      .filter(({ use }) => use.kind === 'latency')
      .map(({ query }) => ({ query, share: route.share }));
  });
  return [...fixed, ...routed];
}
