import type { Deployment, RuleMetric } from '../../lambdas/alert-evaluator/metric-catalogue';
import { resolveMetric } from '../../lambdas/alert-evaluator/metric-catalogue';
import { billedMetrics, planQueries } from '../../lambdas/alert-evaluator/metric-plan';

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

/**
 * What one evaluation asks GetMetricData for, with `count` rules: the typical rules first, each rule beyond
 * them on a metric of its own (the dear case). Priced through the evaluator's own catalogue and planner, so
 * that rules sharing a metric cost it once and error_rate's two API Gateway metrics cost two.
 */
export function evaluatorMetrics(count: number): { distinctQueries: number; billedMetrics: number } {
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
    rules.map((item) => ({ query: resolveMetric(item, DEPLOYMENT), periodSeconds: 60, rangePeriods: 5 })),
  );
  return {
    distinctQueries: plan.queries.length,
    billedMetrics: plan.queries.reduce((sum, planned) => sum + billedMetrics(planned.query), 0),
  };
}
