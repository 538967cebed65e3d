import * as z from 'zod';
import { partitionOf, regionCode } from './aws-regions';

/**
 * The JSON CloudWatch publishes to SNS when an alarm changes state: metric alarms carry `Trigger` (one metric
 * at its top level, or metric math in `Metrics`), composite alarms `AlarmRule` and `TriggeringChildren`.
 * Real notifications vary: older ones have no `AlarmArn`, `Unit` is often null, `TreatMissingData` may read
 * `- TreatMissingData:  NonBreaching`. So only `AlarmName` and `NewStateValue` are required; any other field
 * that is missing or of an unexpected type is left out rather than turning an alarm into a fallback.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

const dimensionSchema = z.object({ name: z.string(), value: z.union([z.string(), z.number()]) });
const dimensionsSchema = optional(z.array(dimensionSchema));

const metricStatSchema = z.object({
  Metric: optional(
    z.object({
      MetricName: optional(z.string()),
      Namespace: optional(z.string()),
      Dimensions: dimensionsSchema,
    }),
  ),
  Period: optional(z.number()),
  Stat: optional(z.string()),
});

const triggerSchema = z.object({
  MetricName: optional(z.string()),
  Namespace: optional(z.string()),
  StatisticType: optional(z.string()),
  Statistic: optional(z.string()),
  ExtendedStatistic: optional(z.string()),
  Unit: optional(z.string()),
  Dimensions: dimensionsSchema,
  Period: optional(z.number()),
  EvaluationPeriods: optional(z.number()),
  DatapointsToAlarm: optional(z.number()),
  ComparisonOperator: optional(z.string()),
  Threshold: optional(z.number()),
  ThresholdMetricId: optional(z.string()),
  TreatMissingData: optional(z.string()),
  /** Metric math alarms list their queries instead of one metric. */
  Metrics: optional(
    z.array(
      z.object({
        Id: optional(z.string()),
        Expression: optional(z.string()),
        Label: optional(z.string()),
        ReturnData: optional(z.boolean()),
        MetricStat: optional(metricStatSchema),
      }),
    ),
  ),
});

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export const cloudWatchAlarmSchema = z.object({
  AlarmName: z.string().min(1),
  NewStateValue: z.string().min(1),
  AlarmDescription: optional(z.string()),
  AWSAccountId: optional(z.union([z.string(), z.number()]).transform(String)),
  NewStateReason: optional(z.string()),
  StateChangeTime: optional(z.string()),
  /** A display name such as `EU (Ireland)`, `EU - Ireland` or `US East (N. Virginia)`. */
  Region: optional(z.string()),
  AlarmArn: optional(z.string()),
  OldStateValue: optional(z.string()),
  Trigger: optional(triggerSchema),
  AlarmRule: optional(z.string()),
  TriggeringChildren: optional(
    z.array(
      z.object({
        Arn: z.string(),
        State: optional(z.object({ Value: optional(z.string()), Timestamp: optional(z.string()) })),
      }),
    ),
  ),
});

export type CloudWatchAlarm = z.infer<typeof cloudWatchAlarmSchema>;
type Trigger = z.infer<typeof triggerSchema>;
type Dimension = z.infer<typeof dimensionSchema>;

export function isCompositeAlarm(alarm: CloudWatchAlarm): boolean {
  return Boolean(alarm.AlarmRule) && !alarm.Trigger;
}

const COMPARISONS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
  LessThanLowerOrGreaterThanUpperThreshold: 'outside the band',
  LessThanLowerThreshold: 'below the band',
  GreaterThanUpperThreshold: 'above the band',
};

/** E.g. `Errors (AWS/Lambda, FunctionName=api) Sum over 5 minutes ≥ 1 in 1 of 1 periods`. */
export function describeTrigger(trigger: Trigger | null | undefined): string | undefined {
  if (!trigger) return undefined;
  const metric = trigger.MetricName
    ? metricInWords(trigger.MetricName, trigger.Namespace, trigger.Dimensions)
    : trigger.Metrics?.length
      ? metricMathInWords(trigger.Metrics)
      : 'metric';
  const statistic = statisticName(trigger);
  const period = trigger.Period ? ` over ${durationInWords(trigger.Period)}` : '';
  const comparison =
    COMPARISONS[trigger.ComparisonOperator ?? ''] ?? trigger.ComparisonOperator ?? 'compared with';
  const threshold =
    trigger.Threshold !== null && trigger.Threshold !== undefined
      ? ` ${formatNumber(trigger.Threshold)}${trigger.Unit ? ` ${trigger.Unit}` : ''}`
      : trigger.ThresholdMetricId
        ? ` (${trigger.ThresholdMetricId})`
        : '';
  const periods = trigger.EvaluationPeriods
    ? ` in ${trigger.DatapointsToAlarm ?? trigger.EvaluationPeriods} of ${trigger.EvaluationPeriods} periods`
    : '';
  const missing = missingDataInWords(trigger.TreatMissingData);
  return `${metric}${statistic ? ` ${statistic}` : ''}${period} ${comparison}${threshold}${periods}${missing ? `, ${missing}` : ''}`;
}

function metricInWords(
  name: string,
  namespace: string | null | undefined,
  dimensions: Dimension[] | null | undefined,
): string {
  const where = [namespace, ...(dimensions ?? []).map((d) => `${d.name}=${d.value}`)].filter(Boolean);
  return where.length > 0 ? `${name} (${where.join(', ')})` : name;
}

/** The queries whose result the alarm watches (`ReturnData`), by label or expression. */
function metricMathInWords(metrics: NonNullable<Trigger['Metrics']>): string {
  const returned = metrics.filter((m) => m.ReturnData !== false);
  const shown = (returned.length > 0 ? returned : metrics).map((m) => {
    const stat = m.MetricStat?.Metric;
    if (!m.Expression && stat?.MetricName) {
      return `${metricInWords(stat.MetricName, stat.Namespace, stat.Dimensions)}${m.MetricStat?.Stat ? ` ${m.MetricStat.Stat}` : ''}`;
    }
    return m.Label ?? m.Expression ?? m.Id ?? '?';
  });
  return `metric math ${shown.join(', ')}`;
}

const MISSING_DATA_WORDS: Record<string, string | undefined> = {
  breaching: 'missing data breaching',
  notbreaching: 'missing data not breaching',
  ignore: 'missing data ignored',
  missing: undefined,
};

/** `notBreaching`, `NonBreaching` or `- TreatMissingData:   NonBreaching` alike; nothing for the default. */
export function missingDataInWords(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const word = value
    .replace(/^\s*-\s*TreatMissingData:/i, '')
    .trim()
    .toLowerCase()
    .replace('nonbreaching', 'notbreaching');
  return word in MISSING_DATA_WORDS ? MISSING_DATA_WORDS[word] : undefined;
}

function statisticName(trigger: Trigger): string | undefined {
  if (trigger.ExtendedStatistic) return trigger.ExtendedStatistic;
  if (!trigger.Statistic) return undefined;
  const lower = trigger.Statistic.toLowerCase();
  return lower === 'samplecount' ? 'SampleCount' : lower.charAt(0).toUpperCase() + lower.slice(1);
}

export function durationInWords(seconds: number): string {
  if (seconds % 86_400 === 0) return plural(seconds / 86_400, 'day');
  if (seconds % 3_600 === 0) return plural(seconds / 3_600, 'hour');
  if (seconds % 60 === 0) return plural(seconds / 60, 'minute');
  return plural(seconds, 'second');
}

function plural(count: number, unit: string): string {
  return count === 1 ? `1 ${unit}` : `${count} ${unit}s`;
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/** Partition, region and account of an alarm, from its ARN. */
export function parseAlarmArn(
  arn: string | null | undefined,
): { partition: string; region: string; account: string } | undefined {
  if (!arn) return undefined;
  const match = /^arn:(aws[a-z-]*):cloudwatch:([a-z0-9-]+):(\d{12}):alarm:/.exec(arn);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { partition: match[1], region: match[2], account: match[3] };
}

/** The alarm's region code: from its ARN when it has one, else from the `Region` display name. */
export function alarmRegion(alarm: Pick<CloudWatchAlarm, 'AlarmArn' | 'Region'>): string | undefined {
  return parseAlarmArn(alarm.AlarmArn)?.region ?? regionCode(alarm.Region);
}

const CONSOLE_HOSTS: Record<string, (region: string) => string> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': (region) => `${region}.console.amazonaws.cn`,
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

/**
 * The alarm's page in the CloudWatch console of its partition; undefined when the region is unknown or the
 * partition has no public console.
 */
export function alarmConsoleUrl(
  alarm: Pick<CloudWatchAlarm, 'AlarmArn' | 'AlarmName' | 'Region'>,
): string | undefined {
  const arn = parseAlarmArn(alarm.AlarmArn);
  const region = arn?.region ?? regionCode(alarm.Region);
  if (!region) return undefined;
  const host = CONSOLE_HOSTS[arn?.partition ?? partitionOf(region)];
  if (!host) return undefined;
  return `https://${host(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`;
}

/** The alarm's name from a child alarm ARN of a composite alarm. */
export function alarmNameFromArn(arn: string): string {
  return arn.split(':alarm:')[1] ?? arn;
}

/** CloudWatch writes `2026-11-29T14:10:32.873+0000`; `Date` reads it, this keeps a bad value visible. */
export function parseCloudWatchTime(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
