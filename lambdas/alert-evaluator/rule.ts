import * as z from 'zod';
import {
  ALERT_CHANNELS,
  ALERT_CONDITIONS,
  ALERT_SEVERITIES,
  type AlertChannel,
  type AlertSeverity,
} from '../shared/alert-message';
import { METRIC_NAMES, type MetricName, type RuleMetric } from './metric-catalogue';

export type Condition = (typeof ALERT_CONDITIONS)[number];
export const TREAT_MISSING_DATA = ['missing', 'notBreaching', 'breaching', 'ignore'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

/** An alert rule as the evaluator uses it: one row of `alert_rules`, validated. */
export const RULE_SOURCES = ['cloudwatch', 'influxdb'] as const;
export type RuleSource = (typeof RULE_SOURCES)[number];

export interface AlertRule {
  id: string;
  name: string;
  /** Where the value comes from: a CloudWatch metric of the catalogue, or a Flux query against InfluxDB. */
  source: RuleSource;
  /** A catalogue name for CloudWatch rules; for Flux rules, what the query measures. */
  metricName: string;
  fluxQuery: string | null;
  metricDimensions: Record<string, string>;
  cloudwatchNamespace: string | null;
  cloudwatchMetricName: string | null;
  condition: Condition;
  threshold: number;
  severity: AlertSeverity;
  notificationChannels: AlertChannel[];
  periodSeconds: number;
  statistic: string | null;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  keepFiringForSeconds: number;
  repeatIntervalSeconds: number;
  enabled: boolean;
  mutedUntil: Date | null;
  description: string | null;
  runbookUrl: string | null;
  slackChannel: string | null;
}

function oneOf<const T extends readonly string[]>(values: T) {
  return z.enum(values, {
    error: (issue) => `got ${JSON.stringify(issue.input)}, expected one of ${values.join(', ')}`,
  });
}

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: (issue) => `got ${JSON.stringify(issue.input)}, expected a whole number` })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });

const optionalText = (max: number) => z.string().max(max).nullable().default(null);

/**
 * The columns of `alert_rules`, by their column names, with the defaults of the migration: what the rules
 * command validates before it writes, and what the evaluator validates after it reads (a row the database's
 * checks let through but this refuses becomes that rule's error, never a failed run).
 */
export const alertRuleColumnsSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'letters, digits and _.:- only, at most 100'),
    name: z.string().min(1).max(200),
    source: oneOf(RULE_SOURCES).default('cloudwatch'),
    metric_name: z.string().min(1).max(100),
    flux_query: z.string().min(1).max(10_000).nullable().default(null),
    metric_dimensions: z
      .record(z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/), z.string().min(1).max(255))
      .refine((dimensions) => Object.keys(dimensions).length <= 30, 'at most 30 dimensions')
      .default({}),
    cloudwatch_namespace: optionalText(255),
    cloudwatch_metric_name: optionalText(255),
    condition: oneOf(ALERT_CONDITIONS),
    threshold: z.number({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `got ${issue.input}, expected a finite number`
          : `got ${JSON.stringify(issue.input)}, expected a number`,
    }),
    severity: oneOf(ALERT_SEVERITIES),
    // Distinct values of a closed set, as the database's CHECK has it: never more channels than the catalogue.
    notification_channels: z
      .array(oneOf(ALERT_CHANNELS))
      .nonempty('at least one channel')
      .refine((channels) => new Set(channels).size === channels.length, {
        error: `each of ${ALERT_CHANNELS.join(', ')} at most once`,
      })
      .default(['slack']),
    period_seconds: wholeNumber(60, 86_400)
      .refine((seconds) => seconds % 60 === 0, 'must be a multiple of 60')
      .default(60),
    statistic: z
      .string()
      .regex(/^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d{1,2})?)$/, {
        error: 'expected SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99',
      })
      .nullable()
      .default(null),
    evaluation_periods: wholeNumber(1, 60).default(3),
    datapoints_to_alarm: wholeNumber(1, 60).default(3),
    treat_missing_data: oneOf(TREAT_MISSING_DATA).default('missing'),
    keep_firing_for_seconds: wholeNumber(0, 86_400).default(0),
    repeat_interval_seconds: wholeNumber(60, 30 * 86_400).default(14_400),
    enabled: z.boolean().default(true),
    muted_until: z.date().nullable().default(null),
    description: optionalText(2_000),
    runbook_url: z
      .url({ protocol: /^https$/, error: 'expected an https URL' })
      .max(2_000)
      .nullable()
      .default(null),
    slack_channel: z
      .string()
      .regex(/^#[a-z0-9_-]{1,80}$/, 'expected a Slack channel name such as #alerts')
      .nullable()
      .default(null),
  })
  .superRefine((rule, context) => {
    if (rule.source === 'cloudwatch' && !(METRIC_NAMES as readonly string[]).includes(rule.metric_name)) {
      context.addIssue({
        code: 'custom',
        path: ['metric_name'],
        message: `got ${JSON.stringify(rule.metric_name)}, expected one of ${METRIC_NAMES.join(', ')}`,
      });
    }
    if (rule.source === 'influxdb' && !/^[a-z][a-z0-9_]{0,99}$/.test(rule.metric_name)) {
      context.addIssue({
        code: 'custom',
        path: ['metric_name'],
        message: 'a Flux rule names what it measures in lower-case letters, digits and _',
      });
    }
    if ((rule.source === 'influxdb') !== (rule.flux_query !== null)) {
      context.addIssue({
        code: 'custom',
        path: ['flux_query'],
        message: "required exactly when source is 'influxdb'",
      });
    }
  })
  .refine((rule) => rule.datapoints_to_alarm <= rule.evaluation_periods, {
    message: 'must not exceed evaluation_periods',
    path: ['datapoints_to_alarm'],
  })
  .refine(
    (rule) =>
      (rule.source === 'cloudwatch' && rule.metric_name === 'cloudwatch') ===
      (rule.cloudwatch_namespace !== null && rule.cloudwatch_metric_name !== null),
    {
      message: "required exactly when metric_name is 'cloudwatch'",
      path: ['cloudwatch_namespace'],
    },
  );

export type AlertRuleColumns = z.infer<typeof alertRuleColumnsSchema>;

export class InvalidRuleError extends Error {
  override name = 'InvalidRuleError';
}

/** Every problem of a rule, each naming its column: `condition: got "=>", expected one of >, >=, ...`. */
export function describeProblems(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'rule'}: ${issue.message}`)
    .join('; ');
}

/** Validates a rule's columns; throws `InvalidRuleError` naming every wrong column. */
export function parseRuleColumns(input: unknown): AlertRuleColumns {
  const result = alertRuleColumnsSchema.safeParse(input);
  if (!result.success) throw new InvalidRuleError(describeProblems(result.error));
  return result.data;
}

export function toAlertRule(columns: AlertRuleColumns): AlertRule {
  return {
    id: columns.id,
    name: columns.name,
    source: columns.source,
    metricName: columns.metric_name,
    fluxQuery: columns.flux_query,
    metricDimensions: columns.metric_dimensions,
    cloudwatchNamespace: columns.cloudwatch_namespace,
    cloudwatchMetricName: columns.cloudwatch_metric_name,
    condition: columns.condition,
    threshold: columns.threshold,
    severity: columns.severity,
    notificationChannels: columns.notification_channels,
    periodSeconds: columns.period_seconds,
    statistic: columns.statistic,
    evaluationPeriods: columns.evaluation_periods,
    datapointsToAlarm: columns.datapoints_to_alarm,
    treatMissingData: columns.treat_missing_data,
    keepFiringForSeconds: columns.keep_firing_for_seconds,
    repeatIntervalSeconds: columns.repeat_interval_seconds,
    enabled: columns.enabled,
    mutedUntil: columns.muted_until,
    description: columns.description,
    runbookUrl: columns.runbook_url,
    slackChannel: columns.slack_channel,
  };
}

/** `value > threshold`, and so on: whether one datapoint breaches the rule. */
export function breaches(condition: Condition, value: number, threshold: number): boolean {
  switch (condition) {
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '==':
      return value === threshold;
    case '!=':
      return value !== threshold;
  }
}

/** What of a CloudWatch rule the metric catalogue resolves into a query. */
export function ruleMetric(rule: AlertRule): RuleMetric {
  return {
    metricName: rule.metricName as MetricName,
    dimensions: rule.metricDimensions,
    statistic: rule.statistic,
    cloudwatchNamespace: rule.cloudwatchNamespace,
    cloudwatchMetricName: rule.cloudwatchMetricName,
  };
}
