import type { Deployment, MetricQuery, MetricStat } from '../metric-catalogue';

/** A series of our own namespace found by ListMetrics: its metric name and dimensions. */
export interface DiscoveredSeries {
  metricName: string;
  dimensions: Record<string, string>;
}

/** Our metrics the export discovers series of (route, method and status code vary with traffic). */
export const DISCOVERED_METRICS = ['http_request_duration_seconds', 'slack_notifications_total'] as const;

/** What one exported CloudWatch query stands for in the Prometheus and InfluxDB output. */
export type ExportUse =
  | { kind: 'requests'; labels: { endpoint: string; method: string; status_code: string } }
  | {
      kind: 'latency';
      stat: 'p50' | 'p90' | 'p99' | 'Sum';
      labels: { endpoint: string; method: string; status_code: string };
    }
  | { kind: 'notifications'; labels: { outcome: string; kind: string } }
  | { kind: 'health'; labels: { component: string } }
  | {
      kind: 'lambda';
      stat: 'errors' | 'throttles' | 'duration_p99';
      labels: { function_name: string; function: string };
    }
  | { kind: 'dead_letters'; labels: { queue_name: string } };

export interface ExportQuery {
  use: ExportUse;
  query: MetricQuery;
}

const QUANTILE_STATS = ['p50', 'p90', 'p99'] as const;
const HEALTH_COMPONENTS = ['database', 'redis'];

function metric(metricStat: MetricStat): MetricQuery {
  return { kind: 'metric', metric: metricStat };
}

function routeLabels(dimensions: Record<string, string>) {
  return {
    endpoint: dimensions.endpoint ?? '',
    method: dimensions.method ?? '',
    status_code: dimensions.status_code ?? '',
  };
}

/**
 * The fixed export set: the quick start's request counts by route, method and status (the SampleCount of
 * their durations); latency sums by the same, and quantiles of the successful ones; health per component; each function's errors, throttles and p99
 * duration; the notifier's deliveries and dead letters. One CloudWatch query each, fetched with the rules'.
 */
export function exportQueries(series: DiscoveredSeries[], deployment: Deployment): ExportQuery[] {
  const ns = deployment.namespace;
  const queries: ExportQuery[] = [];
  for (const { metricName, dimensions } of series) {
    if (dimensions.service !== deployment.serviceName) continue;
    if (
      metricName === 'http_request_duration_seconds' &&
      dimensions.endpoint &&
      dimensions.method &&
      dimensions.status_code
    ) {
      // Every request records its duration: the count of durations is `http_requests_total`, and the
      // summary's `_count` too. Besides it, only the `_sum` and, for successful requests, the quantiles are
      // queried (GetMetricData bills each).
      queries.push({
        use: { kind: 'requests', labels: routeLabels(dimensions) },
        query: metric({ namespace: ns, metricName, dimensions, stat: 'SampleCount' }),
      });
      const stats = dimensions.status_code.startsWith('2')
        ? [...QUANTILE_STATS, 'Sum' as const]
        : (['Sum'] as const);
      for (const stat of stats) {
        queries.push({
          use: { kind: 'latency', stat, labels: routeLabels(dimensions) },
          query: metric({ namespace: ns, metricName, dimensions, stat }),
        });
      }
    }
    if (metricName === 'slack_notifications_total' && dimensions.outcome && dimensions.kind) {
      queries.push({
        use: { kind: 'notifications', labels: { outcome: dimensions.outcome, kind: dimensions.kind } },
        query: metric({ namespace: ns, metricName, dimensions, stat: 'Sum' }),
      });
    }
  }
  for (const component of HEALTH_COMPONENTS) {
    queries.push({
      use: { kind: 'health', labels: { component } },
      query: metric({
        namespace: ns,
        metricName: 'health_check_healthy',
        dimensions: { service: deployment.serviceName, component },
        stat: 'Minimum',
      }),
    });
  }
  for (const [shortName, functionName] of Object.entries(deployment.functionNames)) {
    const labels = { function_name: functionName, function: shortName };
    const lambda = (metricName: string, stat: string) =>
      metric({ namespace: 'AWS/Lambda', metricName, dimensions: { FunctionName: functionName }, stat });
    queries.push({ use: { kind: 'lambda', stat: 'errors', labels }, query: lambda('Errors', 'Sum') });
    queries.push({ use: { kind: 'lambda', stat: 'throttles', labels }, query: lambda('Throttles', 'Sum') });
    queries.push({ use: { kind: 'lambda', stat: 'duration_p99', labels }, query: lambda('Duration', 'p99') });
  }
  if (deployment.deadLetterQueueName) {
    queries.push({
      use: { kind: 'dead_letters', labels: { queue_name: deployment.deadLetterQueueName } },
      query: metric({
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: deployment.deadLetterQueueName },
        stat: 'Maximum',
      }),
    });
  }
  return queries;
}
