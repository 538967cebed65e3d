import * as z from 'zod';

/**
 * The JSON CloudWatch publishes to SNS when an alarm changes state: metric alarms carry `Trigger`, composite
 * alarms `AlarmRule` and `TriggeringChildren`. Lenient on purpose: CloudWatch sends `null` for empty fields,
 * and a field it adds later must not turn an alarm into a fallback message.
 */
const dimensionSchema = z.object({ name: z.string(), value: z.string() });

const triggerSchema = z.object({
  MetricName: z.string().nullish(),
  Namespace: z.string().nullish(),
  StatisticType: z.string().nullish(),
  Statistic: z.string().nullish(),
  ExtendedStatistic: z.string().nullish(),
  Unit: z.string().nullish(),
  Dimensions: z.array(dimensionSchema).nullish(),
  Period: z.number().nullish(),
  EvaluationPeriods: z.number().nullish(),
  DatapointsToAlarm: z.number().nullish(),
  ComparisonOperator: z.string().nullish(),
  Threshold: z.number().nullish(),
  ThresholdMetricId: z.string().nullish(),
  TreatMissingData: z.string().nullish(),
  /** Metric math alarms list their queries instead of one metric. */
  Metrics: z
    .array(
      z.object({ Id: z.string(), Expression: z.string().nullish(), Label: z.string().nullish() }).loose(),
    )
    .nullish(),
});

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export const cloudWatchAlarmSchema = z.object({
  AlarmName: z.string().min(1),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string(),
  NewStateValue: z.enum(ALARM_STATES),
  NewStateReason: z.string().nullish(),
  StateChangeTime: z.string(),
  Region: z.string().nullish(),
  AlarmArn: z.string().regex(/^arn:aws[a-z-]*:cloudwatch:/),
  OldStateValue: z.string().nullish(),
  Trigger: triggerSchema.nullish(),
  AlarmRule: z.string().nullish(),
  TriggeringChildren: z
    .array(
      z.object({
        Arn: z.string(),
        State: z.object({ Value: z.string(), Timestamp: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
});

export type CloudWatchAlarm = z.infer<typeof cloudWatchAlarmSchema>;
type Trigger = z.infer<typeof triggerSchema>;

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
    ? `${trigger.MetricName} (${[
        trigger.Namespace,
        ...(trigger.Dimensions ?? []).map((d) => `${d.name}=${d.value}`),
      ]
        .filter(Boolean)
        .join(', ')})`
    : trigger.Metrics?.length
      ? `metric math ${trigger.Metrics.map((m) => m.Label ?? m.Expression ?? m.Id).join(', ')}`
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
  return `${metric}${statistic ? ` ${statistic}` : ''}${period} ${comparison}${threshold}${periods}`;
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

/** Partition and region of an alarm, from its ARN (the `Region` field is a display name such as `EU (Ireland)`). */
export function parseAlarmArn(
  arn: string,
): { partition: string; region: string; account: string } | undefined {
  const match = /^arn:(aws[a-z-]*):cloudwatch:([a-z0-9-]+):(\d{12}):alarm:/.exec(arn);
  if (!match?.[1] || !match[2] || !match[3]) return undefined;
  return { partition: match[1], region: match[2], account: match[3] };
}

const CONSOLE_HOSTS: Record<string, (region: string) => string> = {
  aws: (region) => `${region}.console.aws.amazon.com`,
  'aws-cn': (region) => `${region}.console.amazonaws.cn`,
  'aws-us-gov': () => 'console.amazonaws-us-gov.com',
};

/** The alarm's page in the CloudWatch console of its partition; undefined for partitions without a public console. */
export function alarmConsoleUrl(alarm: Pick<CloudWatchAlarm, 'AlarmArn' | 'AlarmName'>): string | undefined {
  const arn = parseAlarmArn(alarm.AlarmArn);
  const host = arn && CONSOLE_HOSTS[arn.partition];
  if (!arn || !host) return undefined;
  return `https://${host(arn.region)}/cloudwatch/home?region=${arn.region}#alarmsV2:alarm/${encodeURIComponent(alarm.AlarmName)}`;
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
