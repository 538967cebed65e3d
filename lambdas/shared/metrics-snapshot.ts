/**
 * The contract between the alert evaluator, which writes the metrics export once a minute, and its readers:
 * the `/metrics` exporter (Prometheus text from the Redis snapshot) and Grafana (Flux over InfluxDB).
 * Plain data and names only: no AWS, Redis or InfluxDB client here.
 */

/** One sample of a family: labels and a value; a summary's `_sum` and `_count` samples say so in `suffix`. */
export interface SnapshotSample {
  labels: Record<string, string>;
  value: number;
  suffix?: '_sum' | '_count';
}

export interface SnapshotFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  samples: SnapshotSample[];
}

/**
 * What `/metrics` renders. Counters are monotonic: each closed minute's CloudWatch sum is added once, so
 * Prometheus' `rate()` works across evaluator runs and exporter environments.
 */
export interface MetricsSnapshot {
  version: 1;
  /** When the evaluator wrote it; `/metrics` answers 503 when it is older than `snapshotMaxAgeSeconds()`. */
  generatedAt: string;
  /**
   * How often the evaluator rewrites it (METRICS_EXPORT_EVERY_MINUTES × 60). Absent in snapshots written
   * before it existed, which were rewritten every minute.
   */
  refreshSeconds?: number;
  /** The end of the newest minute included (exclusive): the export's watermark. */
  exportedThrough: string;
  families: SnapshotFamily[];
}

/** The Redis key of a stage's snapshot. */
export function snapshotKey(serviceName: string, stage: string): string {
  return `${serviceName}:${stage}:metrics-snapshot`;
}

/** A snapshot may be this much older than its refresh interval: one missed run, and CloudWatch's lag. */
export const SNAPSHOT_GRACE_SECONDS = 120;

/** The age beyond which `/metrics` calls a snapshot stale: its writer stopped, rather than not yet due. */
export function snapshotMaxAgeSeconds(snapshot: Pick<MetricsSnapshot, 'refreshSeconds'>): number {
  return (snapshot.refreshSeconds ?? 60) + SNAPSHOT_GRACE_SECONDS;
}

/**
 * InfluxDB measurements the export writes, one point per metric and closed minute, stamped with that
 * minute's start (seconds precision). Grafana's dashboard may query only these (a test checks it).
 */
export const INFLUX_MEASUREMENTS = {
  /** API requests per minute by route template, method and status code. */
  http_requests: { tags: ['endpoint', 'method', 'status_code'], fields: ['count'] },
  /** Request latency percentiles per minute by route template, method and status code, in milliseconds. */
  http_request_duration: {
    tags: ['endpoint', 'method', 'status_code'],
    fields: ['p50_ms', 'p90_ms', 'p99_ms'],
  },
  /** 1 when every health check of the minute passed, 0 when one failed. */
  health: { tags: ['component'], fields: ['healthy'] },
  /** Per function and minute: failed and throttled invocations, p99 duration. */
  lambda: { tags: ['function'], fields: ['errors', 'throttles', 'duration_p99_ms'] },
  /** Slack deliveries and alerts waiting in the dead-letter queue. */
  notifier: { tags: [], fields: ['delivered', 'dead_letters'] },
  /** Per rule and evaluation: 1 while firing, 0 otherwise. */
  alert_rules: { tags: ['rule_id', 'severity'], fields: ['firing', 'value'] },
} as const satisfies Record<string, { tags: readonly string[]; fields: readonly string[] }>;

export type InfluxMeasurement = keyof typeof INFLUX_MEASUREMENTS;
