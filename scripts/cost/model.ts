import { exportIntervalSeconds } from '../../lambdas/alert-evaluator/export/run-export';
import { ERROR_FLUSH_MIN_INTERVAL_MS } from '../../lambdas/shared/metric-aggregator';
import {
  APPLICATION_FUNCTIONS,
  type Assumptions,
  DEFAULT_PROFILE,
  FUNCTION_PROFILES,
  HOURS_PER_MONTH,
  KMS_REQUESTS_PER_ENCRYPTED_QUEUE_OR_TOPIC_PER_HOUR,
  KMS_REQUESTS_PER_LOG_GROUP_PER_HOUR,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  PRODUCTION_DURATION_VALUE_BYTES,
  SECONDS_PER_MONTH,
  SECRET_CACHE_SECONDS,
  SECRET_READERS,
  STORAGE_COMPRESSION,
  XRAY_FIXED_RATE,
  XRAY_RESERVOIR_PER_SECOND,
} from './assumptions';
import { evaluatorMetrics } from './evaluator-metrics';
import type { FreeAllowance } from './free-tier';
import { invocationsPerMonth } from './invocations';
import type { Measured } from './measured';
import type { Activity, MetricFamily } from './metric-catalog';
import { type NetworkPrices, networkCost } from './network';
import { hourShare, hoursWithAny, listedShare } from './series-activity';
import type { StackInventory } from './template';

export interface Prices {
  region: string;
  asOf: string;
  cloudwatchLogs: {
    ingestionStandardPerGB: number;
    ingestionInfrequentAccessPerGB: number;
    storagePerGBMonth: number;
  };
  cloudwatchMetrics: {
    customMetricPerMonth: number;
    getMetricDataPer1000Metrics: number;
    /** ListMetrics and the other standard API requests. */
    apiRequestsPer1000: number;
    standardAlarmMetricPerMonth: number;
    highResolutionAlarmMetricPerMonth: number;
    compositeAlarmPerMonth: number;
    dashboardPerMonth: number;
  };
  lambda: { requestsPerMillion: number; gbSecondArm64: number; gbSecondX86_64: number };
  xray: { tracesRecordedPerMillion: number };
  kms: { keyPerMonth: number; requestsPer10000: number };
  sns: { publishesPerMillion: number; emailsPer100000: number };
  sqs: { requestsPerMillion: number };
  secretsManager: { secretPerMonth: number; apiCallsPer10000: number };
  network: NetworkPrices;
}

export interface LineItem {
  service: string;
  item: string;
  quantity: string;
  monthlyUsd: number;
  /** What of the line AWS's always-free tier could cover (scripts/cost/free-tier.ts). */
  freeTierUse?: { allowance: FreeAllowance; amount: number };
}

export interface CostInput {
  inventory: StackInventory;
  metricFamilies: MetricFamily[];
  measured: Measured;
  /** Bytes of one access log line, 2xx and 5xx (estimated from the template's format). */
  accessLogBytes: { success: number; error: number };
  assumptions: Assumptions;
  prices: Prices;
}

const GB = 1024 ** 3;

/**
 * Metrics one export requests (lambdas/alert-evaluator/export/export-set.ts): each latency series twice
 * (SampleCount, the request count, and Sum) and its 2xx ones three more times (p50, p90, p99), each
 * notification series once, two health components, errors, throttles and p99 duration of each function the
 * evaluator watches (MONITORED_FUNCTIONS), the dead-letter queue. Our own series are listed by ListMetrics
 * (data in the last 3 hours), so each counts by `listed`.
 */
export function exportBilledMetrics(
  families: MetricFamily[],
  monitoredFunctions: number,
  listed: (activity: Activity) => number,
): number {
  const series = (name: string, filter: (activity: Activity) => boolean = () => true) =>
    (families.find((family) => family.name === name)?.series ?? [])
      .filter(filter)
      .reduce((sum, activity) => sum + listed(activity), 0);
  const success = (activity: Activity) => activity.kind === 'route' && activity.status.startsWith('2');
  return (
    2 * series('http_request_duration_seconds') +
    3 * series('http_request_duration_seconds', success) +
    series('slack_notifications_total') +
    2 +
    3 * monitoredFunctions +
    1
  );
}

/** The 5xx of one warm environment arrive as a Poisson process of this many per second. */
export function serverErrorsPerSecondPerEnvironment(a: Assumptions): number {
  return (a.requestsPerSecond * a.errorRate) / Math.max(1, a.warmEnvironments);
}

/**
 * Publications at a 5xx per second in one environment (lambdas/shared/metric-aggregator.ts): one at a 5xx,
 * then none for `minIntervalSeconds`; a 5xx within that time waits for the first invocation after it, which
 * at the API's traffic is at its end. With λ 5xx a second that is one publication every
 * T + P(no 5xx within T) / λ seconds: 1 / (T + e^(-λT) / λ), λ itself when T is 0.
 */
export function errorPublicationsPerSecond(errorsPerSecond: number, minIntervalSeconds: number): number {
  if (errorsPerSecond <= 0) return 0;
  return 1 / (minIntervalSeconds + Math.exp(-errorsPerSecond * minIntervalSeconds) / errorsPerSecond);
}

/** What the benchmark measured, split into what a 2xx, a 5xx's error line and a publication at a 5xx print. */
export function apiLogParts(measured: Measured): {
  success: number;
  errorLine: number;
  publication: number;
} {
  const errorLine = Math.max(0, measured.serverErrorBytes - measured.serverErrorEmfBytes);
  // The mix publishes at every 5xx: what it prints beyond its 2xx and error lines is the publications.
  // Each is the 5xx's own series (the minute's other series wait for it to close, in the 2xx's bytes), so
  // this comes out close to serverErrorEmfBytes; a publication that took other series along would show here.
  const share = measured.mixErrorShare ?? 0;
  const publication =
    measured.mixBytes !== undefined && share > 0
      ? (measured.mixBytes - (1 - share) * measured.successBytes - share * errorLine) / share
      : measured.serverErrorEmfBytes;
  return { success: productionSuccessBytes(measured), errorLine, publication: Math.max(0, publication) };
}

/**
 * A 2xx's bytes with its duration samples as wide as in AWS. The benchmark's Postgres is local: most of its
 * durations round to 0 ms and print as `0`; behind Lambda and RDS one prints as `0.012`, and every duration
 * from 1 ms to 9.999 s at millisecond rounding takes at most those 5 characters and a separator.
 */
export function productionSuccessBytes(measured: Measured): number {
  const { successDurationValues: values, successDurationValueBytes: printed } = measured;
  if (values === undefined || printed === undefined) return measured.successBytes;
  return measured.successBytes + Math.max(0, values * PRODUCTION_DURATION_VALUE_BYTES - printed);
}

/**
 * Log bytes per API request: the 2xx and 5xx lines by the error rate, plus the EMF publications the 5xx
 * cause, at most one per `ERROR_FLUSH_MIN_INTERVAL_MS` (5 s) per environment.
 */
export function apiLogBytesPerRequest(
  measured: Measured,
  a: Assumptions,
  minIntervalSeconds = ERROR_FLUSH_MIN_INTERVAL_MS / 1_000,
): number {
  const parts = apiLogParts(measured);
  const environments = Math.max(1, a.warmEnvironments);
  const publicationsPerRequest =
    a.requestsPerSecond > 0
      ? (errorPublicationsPerSecond(serverErrorsPerSecondPerEnvironment(a), minIntervalSeconds) *
          environments) /
        a.requestsPerSecond
      : 0;
  return (
    parts.success * (1 - a.errorRate) +
    parts.errorLine * a.errorRate +
    parts.publication * publicationsPerRequest
  );
}

export function monthlyCost(input: CostInput): LineItem[] {
  const { inventory, assumptions: a, prices: p, measured } = input;
  const items: LineItem[] = [];
  const add = (
    service: string,
    item: string,
    quantity: string,
    monthlyUsd: number,
    freeTierUse?: LineItem['freeTierUse'],
  ) => items.push({ service, item, quantity, monthlyUsd, ...(freeTierUse && { freeTierUse }) });
  const functions = inventory.functions.map((fn) => ({ fn, invocations: invocationsPerMonth(input, fn) }));

  // CloudWatch Logs: bytes per month into each log group.
  const logBytes = new Map<string, number>();
  const addLogBytes = (groupId: string | undefined, bytes: number) => {
    if (groupId) logBytes.set(groupId, (logBytes.get(groupId) ?? 0) + bytes);
  };
  for (const { fn, invocations } of functions) {
    const perInvocation =
      fn.functionDir === 'api'
        ? apiLogBytesPerRequest(measured, a)
        : (FUNCTION_PROFILES[fn.functionDir] ?? DEFAULT_PROFILE).logBytes;
    const platform = ['WARN', 'ERROR', 'FATAL'].includes(fn.systemLogLevel)
      ? 0
      : PLATFORM_LOG_BYTES_PER_INVOCATION;
    addLogBytes(fn.logGroupId, invocations * (perInvocation + platform));
  }
  const apiRequests = a.requestsPerSecond * SECONDS_PER_MONTH;
  const accessLogLine =
    input.accessLogBytes.success * (1 - a.errorRate) + input.accessLogBytes.error * a.errorRate;
  addLogBytes(inventory.accessLogGroupId, apiRequests * accessLogLine);
  for (const group of inventory.logGroups) {
    const bytes = logBytes.get(group.logicalId) ?? 0;
    const price = group.infrequentAccess
      ? p.cloudwatchLogs.ingestionInfrequentAccessPerGB
      : p.cloudwatchLogs.ingestionStandardPerGB;
    const name =
      group.logicalId === inventory.accessLogGroupId
        ? 'API access logs'
        : `logs of ${ownerOf(inventory, group.logicalId)}`;
    add(
      'CloudWatch Logs',
      `ingestion: ${name}${group.infrequentAccess ? ' (Infrequent Access)' : ''}`,
      `${(bytes / GB).toFixed(2)} GB`,
      (bytes / GB) * price,
      group.infrequentAccess ? undefined : { allowance: 'standardLogGB', amount: bytes / GB },
    );
    const storedGb =
      (bytes / GB / (HOURS_PER_MONTH / 24)) * Math.min(group.retentionDays, 3_653) * STORAGE_COMPRESSION;
    add(
      'CloudWatch Logs',
      `storage: ${name} (${group.retentionDays} days kept)`,
      `${storedGb.toFixed(2)} GB`,
      storedGb * p.cloudwatchLogs.storagePerGBMonth,
    );
  }

  // CloudWatch prorates a custom metric by the hours in which it receives data.
  const allSeries = input.metricFamilies.flatMap((family) => family.series);
  const shares = allSeries.map((activity) => hourShare(activity, input));
  const partTime = shares.filter((share) => share < 0.5).length;
  const metricMonths = shares.reduce((sum, share) => sum + share, 0);
  add(
    'CloudWatch metrics',
    `custom metrics (EMF), ${partTime} of them with data in under half the hours`,
    `${allSeries.length} metrics (${metricMonths.toFixed(1)} billed)`,
    metricMonths * p.cloudwatchMetrics.customMetricPerMonth,
    { allowance: 'customMetrics', amount: metricMonths },
  );

  const standardAlarmMetrics = inventory.alarms
    .filter((alarm) => !alarm.highResolution)
    .reduce((sum, alarm) => sum + alarm.metrics, 0);
  const highResolutionAlarmMetrics = inventory.alarms
    .filter((alarm) => alarm.highResolution)
    .reduce((sum, alarm) => sum + alarm.metrics, 0);
  add(
    'CloudWatch alarms',
    `${inventory.alarms.length} alarms, ${inventory.compositeAlarms} composite`,
    `${standardAlarmMetrics + highResolutionAlarmMetrics} alarm metrics`,
    standardAlarmMetrics * p.cloudwatchMetrics.standardAlarmMetricPerMonth +
      highResolutionAlarmMetrics * p.cloudwatchMetrics.highResolutionAlarmMetricPerMonth +
      inventory.compositeAlarms * p.cloudwatchMetrics.compositeAlarmPerMonth,
    { allowance: 'standardAlarmMetrics', amount: standardAlarmMetrics },
  );
  add(
    'CloudWatch dashboards',
    'dashboards',
    `${inventory.dashboards}`,
    inventory.dashboards * p.cloudwatchMetrics.dashboardPerMonth,
    { allowance: 'dashboards', amount: inventory.dashboards },
  );

  const latencyRoutes = (
    input.metricFamilies.find((family) => family.name === 'http_request_duration_seconds')?.series ?? []
  ).flatMap((activity) =>
    activity.kind === 'route' ? [{ ...activity, share: listedShare(activity, input) }] : [],
  );
  const evaluation = evaluatorMetrics(a.alertRules, latencyRoutes);
  const evaluatorMetricsPerMonth =
    evaluation.billedMetrics * (SECONDS_PER_MONTH / a.evaluationIntervalSeconds);
  add(
    'CloudWatch GetMetricData',
    `alert evaluator: ${a.alertRules} rules, ${evaluation.distinctQueries} distinct queries, ${evaluation.billedMetrics} metrics every ${a.evaluationIntervalSeconds} s`,
    `${millions(evaluatorMetricsPerMonth)} metrics`,
    (evaluatorMetricsPerMonth / 1_000) * p.cloudwatchMetrics.getMetricDataPer1000Metrics,
  );
  // An export joins its run's calls: what the rules read already is not billed twice.
  const exported =
    exportBilledMetrics(input.metricFamilies, inventory.monitoredFunctions.length, (activity) =>
      listedShare(activity, input),
    ) - evaluation.sharedWithExport;
  const exportsPerMonth =
    SECONDS_PER_MONTH / exportIntervalSeconds(a.metricsExportEveryMinutes, a.evaluationIntervalSeconds);
  add(
    'CloudWatch GetMetricData',
    `metrics export for /metrics and InfluxDB: ${Math.round(exported)} metrics beyond the rules' every ${a.metricsExportEveryMinutes} min`,
    `${millions(exported * exportsPerMonth)} metrics`,
    ((exported * exportsPerMonth) / 1_000) * p.cloudwatchMetrics.getMetricDataPer1000Metrics,
  );
  add(
    'CloudWatch API requests',
    `metrics export: one ListMetrics call every ${a.metricsExportEveryMinutes} min`,
    `${Math.round(exportsPerMonth)} requests`,
    (exportsPerMonth / 1_000) * p.cloudwatchMetrics.apiRequestsPer1000,
  );

  for (const { fn, invocations } of functions) {
    const gbSecondPrice = fn.architecture === 'arm64' ? p.lambda.gbSecondArm64 : p.lambda.gbSecondX86_64;
    if (APPLICATION_FUNCTIONS.includes(fn.functionDir)) {
      const gbSeconds = invocations * (measured.warmOverheadMs / 1_000) * (fn.memoryMb / 1_024);
      add(
        'Lambda',
        `${fn.functionDir}: withObservability's warm overhead (${measured.warmOverheadMs} ms)`,
        `${Math.round(gbSeconds)} GB-s`,
        gbSeconds * gbSecondPrice,
      );
      continue;
    }
    const { durationMs } = FUNCTION_PROFILES[fn.functionDir] ?? DEFAULT_PROFILE;
    const gbSeconds = invocations * (durationMs / 1_000) * (fn.memoryMb / 1_024);
    add(
      'Lambda',
      `${fn.functionDir}: ${Math.round(invocations)} invocations × ${durationMs} ms at ${fn.memoryMb} MB`,
      `${Math.round(gbSeconds)} GB-s`,
      (invocations / 1e6) * p.lambda.requestsPerMillion + gbSeconds * gbSecondPrice,
    );
  }

  const traces = functions
    .filter(({ fn }) => fn.tracingActive)
    .reduce((sum, { invocations }) => {
      const perSecond = invocations / SECONDS_PER_MONTH;
      const sampled =
        Math.min(perSecond, XRAY_RESERVOIR_PER_SECOND) +
        Math.max(0, perSecond - XRAY_RESERVOIR_PER_SECOND) * XRAY_FIXED_RATE;
      return sum + sampled * SECONDS_PER_MONTH;
    }, 0);
  add(
    'X-Ray',
    'traces recorded (Lambda active tracing: 1/s + 5%)',
    `${millions(traces)} traces`,
    (traces / 1e6) * p.xray.tracesRecordedPerMillion,
    { allowance: 'traces', amount: traces },
  );

  // KMS is asked only when something is encrypted or decrypted: a log group in the hours it receives logs, a
  // topic when it publishes, a dead-letter queue when a message fails; each reuses a data key for 5 minutes.
  const encryptedGroups = inventory.logGroups.filter((group) => group.encrypted);
  const invocationsOf = new Map(functions.map(({ fn, invocations }) => [fn.logGroupId, invocations]));
  const groupHours = encryptedGroups.reduce((hours, group) => {
    const events =
      group.logicalId === inventory.accessLogGroupId
        ? a.requestsPerSecond * SECONDS_PER_MONTH
        : (invocationsOf.get(group.logicalId) ?? 0);
    return hours + hoursWithAny(events / HOURS_PER_MONTH) * HOURS_PER_MONTH;
  }, 0);
  const topicPublishes = inventory.topics > 0 ? a.alertsPerDay * (HOURS_PER_MONTH / 24) : 0;
  const topicHours = hoursWithAny(topicPublishes / HOURS_PER_MONTH) * HOURS_PER_MONTH;
  const kmsRequests =
    groupHours * KMS_REQUESTS_PER_LOG_GROUP_PER_HOUR +
    Math.min(topicPublishes, topicHours * KMS_REQUESTS_PER_ENCRYPTED_QUEUE_OR_TOPIC_PER_HOUR) +
    inventory.queues *
      a.rareMetricHourShare *
      HOURS_PER_MONTH *
      KMS_REQUESTS_PER_ENCRYPTED_QUEUE_OR_TOPIC_PER_HOUR;
  add(
    'KMS',
    `${inventory.kmsKeys} keys, requests of ${encryptedGroups.length} log groups, ${inventory.topics} topics, ${inventory.queues} queues, in the hours they are used`,
    `${Math.round(kmsRequests)} requests`,
    inventory.kmsKeys * p.kms.keyPerMonth + (kmsRequests / 10_000) * p.kms.requestsPer10000,
    { allowance: 'kmsRequests', amount: kmsRequests },
  );

  const publishes = inventory.topics > 0 ? a.alertsPerDay * (HOURS_PER_MONTH / 24) : 0;
  const emails = publishes * inventory.emailSubscriptions;
  add(
    'SNS',
    `${inventory.topics} topics, ${inventory.emailSubscriptions} e-mail subscriptions`,
    `${Math.round(publishes)} publishes`,
    (publishes / 1e6) * p.sns.publishesPerMillion + (emails / 100_000) * p.sns.emailsPer100000,
  );
  add('SQS', `${inventory.queues} queues (dead letters only)`, '0 requests', 0);

  // The API's reads of its database password are SignUpFlow's own. A monitoring function reads its secret
  // at most once per invocation and, kept warm, once per cache period: the health probe and the evaluator all
  // month, the exporter when scraped, the notifier when it has something to post.
  const secretCalls =
    inventory.secrets > 0
      ? functions
          .filter(({ fn }) => SECRET_READERS.includes(fn.functionDir))
          .reduce(
            (calls, { invocations }) =>
              calls + Math.min(invocations, SECONDS_PER_MONTH / SECRET_CACHE_SECONDS),
            0,
          )
      : 0;
  add(
    'Secrets Manager',
    `${inventory.secrets} secrets, read by the monitoring functions`,
    `${Math.round(secretCalls)} calls`,
    inventory.secrets * p.secretsManager.secretPerMonth +
      (secretCalls / 10_000) * p.secretsManager.apiCallsPer10000,
  );

  const inVpc = new Set(inventory.vpcFunctionIds);
  items.push(
    ...networkCost(
      inventory,
      p.network,
      functions
        .filter(({ fn }) => inVpc.has(fn.logicalId))
        .map(({ fn, invocations }) => ({ functionDir: fn.functionDir, invocations })),
    ),
  );
  return items;
}

function ownerOf(inventory: StackInventory, groupId: string): string {
  return inventory.functions.find((fn) => fn.logGroupId === groupId)?.functionDir ?? groupId;
}

function millions(count: number): string {
  return count >= 1e6 ? `${(count / 1e6).toFixed(2)} M` : `${Math.round(count)}`;
}

export function total(items: LineItem[]): number {
  return items.reduce((sum, item) => sum + item.monthlyUsd, 0);
}
