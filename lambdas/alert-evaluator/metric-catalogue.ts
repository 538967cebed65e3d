/**
 * The metric names a rule may use (`alert_rules.metric_name`) and the CloudWatch query each one stands for.
 * Plain data: no AWS SDK here, so the rules command and the tests use it as it is.
 */

/** One CloudWatch metric and the statistic taken of it per period. */
export interface MetricStat {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  stat: string;
}

/**
 * What a rule's value is, per period: one metric (optionally scaled, e.g. seconds to milliseconds, or divided
 * by the period for a per-second rate), or a metric-math expression over named metrics.
 */
export type MetricQuery =
  | { kind: 'metric'; metric: MetricStat; scale?: number; perSecond?: boolean }
  | {
      kind: 'expression';
      expression: string;
      metrics: Record<string, MetricStat>;
      /** The expression as a ratio, for metric stores that do not speak CloudWatch's metric math. */
      ratio: { numerator: string; denominator: string; scale: number };
    };

/** What the deployment tells the catalogue: where its metrics live and what its resources are called. */
export interface Deployment {
  /** Our custom metrics' namespace (POWERTOOLS_METRICS_NAMESPACE) and `service` dimension. */
  namespace: string;
  serviceName: string;
  /** The HTTP API whose AWS/ApiGateway metrics `error_rate`, `request_rate` and latency read. */
  httpApiId?: string;
  /** Short function names (`api`, `health`, ...) to their Lambda function names. */
  functionNames: Record<string, string>;
  /** The Slack notifier's dead-letter queue. */
  deadLetterQueueName?: string;
}

/** A rule as far as its metric goes. */
export interface RuleMetric {
  metricName: MetricName;
  dimensions: Record<string, string>;
  statistic: string | null;
  cloudwatchNamespace: string | null;
  cloudwatchMetricName: string | null;
}

export class MetricResolutionError extends Error {
  override name = 'MetricResolutionError';
}

interface CatalogueEntry {
  description: string;
  /** Shown after values in alerts: `%`, `ms`, `requests/s`. */
  unit: string;
  /** The dimension keys a rule may give, and which of them it must give. */
  dimensions: readonly string[];
  requiredDimensions: readonly string[];
  defaultStatistic: string;
  /** False where the statistic is part of the definition (error_rate is a ratio of sums). */
  statisticConfigurable: boolean;
  resolve(rule: RuleMetric, deployment: Deployment, stat: string): MetricQuery;
}

const API_GATEWAY = 'AWS/ApiGateway';

/**
 * The quick start's request counter: /metrics and InfluxDB export it, but in CloudWatch it is the SampleCount
 * of http_request_duration_seconds (every request records its duration once).
 */
const REQUEST_COUNT_NAME = 'http_requests_total';

function apiId(deployment: Deployment): string {
  if (!deployment.httpApiId) throw new MetricResolutionError('HTTP_API_ID is not set: no API to measure');
  return deployment.httpApiId;
}

function functionName(rule: RuleMetric, deployment: Deployment): string {
  const key = rule.dimensions.function ?? '';
  const name = deployment.functionNames[key];
  if (!name) {
    const known = Object.keys(deployment.functionNames).join(', ') || 'none configured';
    throw new MetricResolutionError(`metric_dimensions.function: got '${key}', expected one of ${known}`);
  }
  return name;
}

function latency(percentile: string): CatalogueEntry {
  return {
    description: `${percentile} latency in milliseconds: of one route (metric_dimensions.endpoint, a route template; method GET and status 200 unless given) from the API's own metric, else of the whole API from API Gateway`,
    unit: 'ms',
    dimensions: ['endpoint', 'method', 'status_code'],
    requiredDimensions: [],
    defaultStatistic: percentile,
    statisticConfigurable: true,
    resolve: (rule, deployment, stat): MetricQuery => {
      const { endpoint, method = 'GET', status_code: statusCode = '200' } = rule.dimensions;
      if (endpoint === undefined) {
        return {
          kind: 'metric',
          metric: {
            namespace: API_GATEWAY,
            metricName: 'Latency',
            dimensions: { ApiId: apiId(deployment) },
            stat,
          },
        };
      }
      return {
        kind: 'metric',
        scale: 1_000,
        metric: {
          namespace: deployment.namespace,
          metricName: 'http_request_duration_seconds',
          dimensions: { service: deployment.serviceName, endpoint, method, status_code: statusCode },
          stat,
        },
      };
    },
  };
}

function lambdaMetric(metricName: 'Errors' | 'Throttles', what: string): CatalogueEntry {
  return {
    description: `${what} of one function (metric_dimensions.function: api, health, slack-notifier, alert-evaluator), per period`,
    unit: '',
    dimensions: ['function'],
    requiredDimensions: ['function'],
    defaultStatistic: 'Sum',
    statisticConfigurable: true,
    resolve: (rule, deployment, stat) => ({
      kind: 'metric',
      metric: {
        namespace: 'AWS/Lambda',
        metricName,
        dimensions: { FunctionName: functionName(rule, deployment) },
        stat,
      },
    }),
  };
}

export const METRIC_CATALOGUE = {
  error_rate: {
    description:
      "Percent of API requests answered with a 5xx status, from API Gateway's own 5xx and Count metrics, so that Lambda timeouts and crashes count",
    unit: '%',
    dimensions: [],
    requiredDimensions: [],
    defaultStatistic: 'Sum',
    statisticConfigurable: false,
    resolve: (_rule, deployment) => {
      const dimensions = { ApiId: apiId(deployment) };
      return {
        kind: 'expression',
        // A period with requests but no 5xx datapoint has no errors; one without requests has no rate.
        expression: '100 * FILL(errors, 0) / requests',
        ratio: { numerator: 'errors', denominator: 'requests', scale: 100 },
        metrics: {
          errors: { namespace: API_GATEWAY, metricName: '5xx', dimensions, stat: 'Sum' },
          requests: { namespace: API_GATEWAY, metricName: 'Count', dimensions, stat: 'Sum' },
        },
      };
    },
  },
  request_rate: {
    description: "API requests per second, averaged over the period, from API Gateway's Count",
    unit: 'requests/s',
    dimensions: [],
    requiredDimensions: [],
    defaultStatistic: 'Sum',
    statisticConfigurable: false,
    resolve: (_rule, deployment) => ({
      kind: 'metric',
      perSecond: true,
      metric: {
        namespace: API_GATEWAY,
        metricName: 'Count',
        dimensions: { ApiId: apiId(deployment) },
        stat: 'Sum',
      },
    }),
  },
  latency_p50: latency('p50'),
  latency_p90: latency('p90'),
  latency_p99: latency('p99'),
  health_status: {
    description:
      'Health of one component (metric_dimensions.component: database or redis): 1 healthy, 0 failing; the worst check of the period',
    unit: '',
    dimensions: ['component'],
    requiredDimensions: ['component'],
    defaultStatistic: 'Minimum',
    statisticConfigurable: true,
    resolve: (rule, deployment, stat) => {
      const component = rule.dimensions.component ?? '';
      if (!['database', 'redis'].includes(component)) {
        throw new MetricResolutionError(
          `metric_dimensions.component: got '${component}', expected one of database, redis`,
        );
      }
      return {
        kind: 'metric',
        metric: {
          namespace: deployment.namespace,
          metricName: 'health_check_healthy',
          dimensions: { service: deployment.serviceName, component },
          stat,
        },
      };
    },
  },
  function_errors: lambdaMetric('Errors', 'Invocations that failed'),
  function_throttles: lambdaMetric('Throttles', 'Invocations throttled'),
  notifier_dead_letters: {
    description: "Alerts waiting in the Slack notifier's dead-letter queue (undelivered to Slack)",
    unit: '',
    dimensions: [],
    requiredDimensions: [],
    defaultStatistic: 'Maximum',
    statisticConfigurable: true,
    resolve: (_rule, deployment, stat) => {
      if (!deployment.deadLetterQueueName) {
        throw new MetricResolutionError('NOTIFIER_DEAD_LETTER_QUEUE_NAME is not set: no queue to measure');
      }
      return {
        kind: 'metric',
        metric: {
          namespace: 'AWS/SQS',
          metricName: 'ApproximateNumberOfMessagesVisible',
          dimensions: { QueueName: deployment.deadLetterQueueName },
          stat,
        },
      };
    },
  },
  cloudwatch: {
    description:
      'Any CloudWatch metric given explicitly: cloudwatch_namespace, cloudwatch_metric_name, metric_dimensions and statistic',
    unit: '',
    dimensions: [],
    requiredDimensions: [],
    defaultStatistic: 'Average',
    statisticConfigurable: true,
    resolve: (rule, deployment, stat) => {
      if (!rule.cloudwatchNamespace || !rule.cloudwatchMetricName) {
        throw new MetricResolutionError('cloudwatch_namespace and cloudwatch_metric_name are required');
      }
      if (
        rule.cloudwatchNamespace === deployment.namespace &&
        rule.cloudwatchMetricName === REQUEST_COUNT_NAME
      ) {
        // A rule that waited for data no one writes would never fire: say where the count is.
        throw new MetricResolutionError(
          `cloudwatch_metric_name: ${REQUEST_COUNT_NAME} is not written to CloudWatch; the request count is http_request_duration_seconds with statistic SampleCount`,
        );
      }
      return {
        kind: 'metric',
        metric: {
          namespace: rule.cloudwatchNamespace,
          metricName: rule.cloudwatchMetricName,
          dimensions: rule.dimensions,
          stat,
        },
      };
    },
  },
} satisfies Record<string, CatalogueEntry>;

export type MetricName = keyof typeof METRIC_CATALOGUE;
export const METRIC_NAMES = Object.keys(METRIC_CATALOGUE) as MetricName[];

export function catalogueEntry(name: MetricName): CatalogueEntry {
  return METRIC_CATALOGUE[name];
}

/** The query a rule's value comes from; throws `MetricResolutionError` naming the field that is wrong. */
export function resolveMetric(rule: RuleMetric, deployment: Deployment): MetricQuery {
  const entry: CatalogueEntry = METRIC_CATALOGUE[rule.metricName];
  if (rule.metricName !== 'cloudwatch') {
    for (const key of Object.keys(rule.dimensions)) {
      if (!entry.dimensions.includes(key)) {
        const accepted = entry.dimensions.length > 0 ? entry.dimensions.join(', ') : 'none';
        throw new MetricResolutionError(
          `metric_dimensions.${key}: ${rule.metricName} takes no such dimension (accepted: ${accepted})`,
        );
      }
    }
    for (const key of entry.requiredDimensions) {
      if (rule.dimensions[key] === undefined) {
        throw new MetricResolutionError(`metric_dimensions.${key}: required by ${rule.metricName}`);
      }
    }
  }
  if (rule.statistic !== null && !entry.statisticConfigurable) {
    throw new MetricResolutionError(
      `statistic: ${rule.metricName} is defined by its own statistic (${entry.defaultStatistic}); leave it empty`,
    );
  }
  return entry.resolve(rule, deployment, rule.statistic ?? entry.defaultStatistic);
}
