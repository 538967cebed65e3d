/** Traffic and behaviour the template cannot tell: each is a flag of `npm run cost` (see --help). */
export interface Assumptions {
  requestsPerSecond: number;
  organisations: number;
  /** Share of API responses that are 5xx errors. */
  errorRate: number;
  /** Alert rules; what they cost to evaluate comes from the evaluator's catalogue (scripts/cost/evaluator-metrics.ts). */
  alertRules: number;
  evaluationIntervalSeconds: number;
  /** External uptime checks of /health through the API, besides the stack's own schedule. */
  healthChecksPerMinute: number;
  /** Prometheus scrapes of /metrics per minute: Lambda invocations of the exporter (it calls no CloudWatch API). */
  metricsScrapesPerMinute: number;
  /** Alert and alarm notifications published to SNS per day. */
  alertsPerDay: number;
  /** Warm environments of the API function (the 5xx of each publish apart). */
  warmEnvironments: number;
  /** Share of hours in which a rare metric (a dead letter, a 503, a scheduled function's cold start) gets data. */
  rareMetricHourShare: number;
  /**
   * The evaluator exports the metrics for /metrics and InfluxDB once every this many minutes: the template's
   * METRICS_EXPORT_EVERY_MINUTES when it has one (so is the evaluation interval's ALERT_EVALUATION_INTERVAL).
   */
  metricsExportEveryMinutes: number;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  requestsPerSecond: 100,
  organisations: 1_000,
  errorRate: 0.05,
  alertRules: 10,
  evaluationIntervalSeconds: 60,
  healthChecksPerMinute: 1,
  metricsScrapesPerMinute: 0,
  alertsPerDay: 20,
  warmEnvironments: 5,
  rareMetricHourShare: 0.05,
  metricsExportEveryMinutes: 5,
};

/** Per function (lambdas/<dir>): billed duration and log bytes per invocation, for the monitoring functions. */
export const FUNCTION_PROFILES: Record<string, { durationMs: number; logBytes: number }> = {
  health: { durationMs: 40, logBytes: 150 },
  'slack-notifier': { durationMs: 400, logBytes: 400 },
  'alert-evaluator': { durationMs: 800, logBytes: 400 },
  'metrics-exporter': { durationMs: 500, logBytes: 200 },
};
export const DEFAULT_PROFILE = { durationMs: 200, logBytes: 300 };

/** The API function serves SignUpFlow itself: only its logs and the wrapper's overhead are monitoring. */
export const APPLICATION_FUNCTIONS = ['api'];

/**
 * Stored log bytes per ingested byte: CloudWatch Logs bills storage on compressed data; AWS's pricing
 * examples assume about 0.15.
 */
export const STORAGE_COMPRESSION = 0.15;

/** Bytes of one duration sample in an EMF array in AWS: `0.012` and its separator. */
export const PRODUCTION_DURATION_VALUE_BYTES = 6;

/** Lambda's START, END and REPORT lines in JSON format, when the system log level lets them through. */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 650;

/** KMS requests CloudWatch Logs makes per encrypted log group in an hour it receives logs (a data key about every 5 minutes). */
export const KMS_REQUESTS_PER_LOG_GROUP_PER_HOUR = 12;

/** SNS and SQS reuse a KMS data key for 5 minutes by default: at most this many requests in an hour of use. */
export const KMS_REQUESTS_PER_ENCRYPTED_QUEUE_OR_TOPIC_PER_HOUR = 12;

/** Secrets are cached this long per environment (lambdas/shared/secrets.ts SECRET_CACHE_SECONDS). */
export const SECRET_CACHE_SECONDS = 300;

/**
 * Monitoring functions that read a secret: the database password (health, evaluator), InfluxDB's token
 * (evaluator), the /metrics token (exporter), the Slack webhooks (notifier, cached as long).
 */
export const SECRET_READERS = ['health', 'alert-evaluator', 'metrics-exporter', 'slack-notifier'];

/** X-Ray's default sampling rule, which Lambda applies: the first request each second and 5% of the rest. */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3_600;

/**
 * Bytes a VPC function's AWS API calls move per invocation, through a NAT or the endpoints; an estimate, not a
 * measurement. An evaluator run: one GetMetricData call for the rules (about 10 metrics of 5 points, 2 KB each
 * way) on a new TLS connection (about 6 KB of handshake: the SDK keeps no connection between invocations);
 * and every fifth run the export's GetMetricData and ListMetrics (about 40 metrics, 40 KB with their requests
 * and handshakes), 8 KB a run on average. The others read a cached secret and talk to Postgres and Redis
 * inside the VPC.
 */
export const VPC_API_BYTES_PER_INVOCATION: Record<string, number> = {
  'alert-evaluator': 18_000,
};
