import type { MetricsSnapshot, SnapshotFamily, SnapshotSample } from '../../shared/metrics-snapshot';
import type { Observation } from '../evaluate-rule';
import type { ExportQuery, ExportUse } from './export-set';

/** Each exported query with its values by minute start (ms). */
export interface ExportedSeries {
  use: ExportUse;
  values: Map<number, number>;
}

export function valuesOf(observation: Observation | undefined): Map<number, number> | undefined {
  if (!observation?.ok) return undefined;
  return new Map(observation.datapoints.map((point) => [point.timestamp.getTime(), point.value]));
}

/**
 * Every exported query with the values the run could read. A query that failed has none, and `failed`
 * counts it: the caller then counts no minute, so that a counter never misses one.
 */
export function exportedSeries(
  queries: ExportQuery[],
  observationOf: (query: ExportQuery) => Observation | undefined,
): { series: ExportedSeries[]; failed: number } {
  let failed = 0;
  const series = queries.map((query) => {
    const values = valuesOf(observationOf(query));
    if (!values) failed++;
    return { use: query.use, values: values ?? new Map<number, number>() };
  });
  return { series, failed };
}

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`)
    .join(',');
}

/** The counter a use adds to, or none for gauges. */
function counterOf(use: ExportUse): { family: string; suffix?: '_sum' | '_count' } | undefined {
  if (use.kind === 'requests') return { family: 'http_requests_total' };
  if (use.kind === 'notifications') return { family: 'slack_notifications_total' };
  if (use.kind === 'latency' && use.stat === 'Sum')
    return { family: 'http_request_duration_seconds', suffix: '_sum' };
  return undefined;
}

export function totalKey(family: string, suffix: string | undefined, labels: Record<string, string>): string {
  return `${family}${suffix ?? ''}{${labelKey(labels)}}`;
}

/** Running totals with each of `minutes` added once: counters that `rate()` works on. */
export function addMinutes(
  totals: Record<string, number>,
  series: ExportedSeries[],
  minutes: Date[],
): Record<string, number> {
  const next = { ...totals };
  for (const { use, values } of series) {
    const counter = counterOf(use);
    if (!counter) continue;
    const key = totalKey(counter.family, counter.suffix, use.labels);
    let added = 0;
    for (const minute of minutes) added += values.get(minute.getTime()) ?? 0;
    next[key] = (next[key] ?? 0) + added;
  }
  return next;
}

/** The newest value of a series within its fetched range. */
function latest(values: Map<number, number>): number | undefined {
  let newest: [number, number] | undefined;
  for (const entry of values) if (!newest || entry[0] > newest[0]) newest = entry;
  return newest?.[1];
}

const HELP: Record<string, { help: string; type: SnapshotFamily['type'] }> = {
  http_requests_total: { help: 'API requests by route template, method and status code', type: 'counter' },
  http_request_duration_seconds: {
    help: 'API request duration: quantiles of the newest minute, sum and count since the export began',
    type: 'summary',
  },
  slack_notifications_total: { help: 'Slack notifier outcomes by outcome and message kind', type: 'counter' },
  health_check_healthy: {
    help: '1 when every health check of the newest minute passed, 0 when one failed',
    type: 'gauge',
  },
  aws_lambda_errors: {
    help: 'Failed invocations of a function in the newest minute (AWS/Lambda Errors)',
    type: 'gauge',
  },
  aws_lambda_throttles: {
    help: 'Throttled invocations in the newest minute (AWS/Lambda Throttles)',
    type: 'gauge',
  },
  aws_lambda_duration_p99: {
    help: 'p99 duration in milliseconds in the newest minute (AWS/Lambda Duration)',
    type: 'gauge',
  },
  aws_sqs_approximate_number_of_messages_visible_maximum: {
    help: "Alerts waiting in the Slack notifier's dead-letter queue",
    type: 'gauge',
  },
  background_jobs_duration_seconds: { help: 'Duration of the latest run of a scheduled job', type: 'gauge' },
  background_jobs_pending: { help: 'Work a scheduled job still has to do', type: 'gauge' },
};

const QUANTILES = { p50: '0.5', p90: '0.9', p99: '0.99' } as const;

/**
 * The Prometheus view of the export: counters from the running totals, quantiles and gauges from the
 * newest minute of each series, and the evaluator's own job metrics.
 */
export function buildSnapshot(input: {
  totals: Record<string, number>;
  series: ExportedSeries[];
  exportedThrough: Date;
  generatedAt: Date;
  refreshSeconds: number;
  evaluationSeconds: number;
  pendingNotifications: number;
}): MetricsSnapshot {
  const families = new Map<string, SnapshotSample[]>();
  const sample = (
    family: string,
    value: number | undefined,
    labels: Record<string, string>,
    suffix?: '_sum' | '_count',
  ) => {
    if (value === undefined) return;
    const samples = families.get(family) ?? [];
    samples.push({ labels, value, ...(suffix && { suffix }) });
    families.set(family, samples);
  };
  const totalOf = (family: string, suffix: string | undefined, labels: Record<string, string>) =>
    input.totals[totalKey(family, suffix, labels)];

  for (const { use, values } of input.series) {
    switch (use.kind) {
      case 'requests':
        sample('http_requests_total', totalOf('http_requests_total', undefined, use.labels), use.labels);
        break;
      case 'notifications':
        sample(
          'slack_notifications_total',
          totalOf('slack_notifications_total', undefined, use.labels),
          use.labels,
        );
        break;
      case 'latency':
        if (use.stat === 'Sum') {
          sample(
            'http_request_duration_seconds',
            totalOf('http_request_duration_seconds', '_sum', use.labels),
            use.labels,
            '_sum',
          );
          // Every request records its duration: the count of durations is the count of requests.
          sample(
            'http_request_duration_seconds',
            totalOf('http_requests_total', undefined, use.labels) ?? 0,
            use.labels,
            '_count',
          );
        } else {
          sample('http_request_duration_seconds', latest(values), {
            ...use.labels,
            quantile: QUANTILES[use.stat],
          });
        }
        break;
      case 'health':
        sample('health_check_healthy', latest(values), use.labels);
        break;
      case 'lambda':
        sample(`aws_lambda_${use.stat}`, latest(values), {
          function_name: use.labels.function_name,
        });
        break;
      case 'dead_letters':
        sample('aws_sqs_approximate_number_of_messages_visible_maximum', latest(values), use.labels);
        break;
    }
  }
  sample('background_jobs_duration_seconds', input.evaluationSeconds, { job_name: 'alert_evaluation' });
  sample('background_jobs_pending', input.pendingNotifications, { job_name: 'alert_notifications' });

  return {
    version: 1,
    generatedAt: input.generatedAt.toISOString(),
    refreshSeconds: input.refreshSeconds,
    exportedThrough: input.exportedThrough.toISOString(),
    families: [...families].map(([name, samples]) => ({
      name,
      help: HELP[name]?.help ?? name,
      type: HELP[name]?.type ?? 'gauge',
      samples,
    })),
  };
}
