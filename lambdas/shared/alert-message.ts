import * as z from 'zod';

/**
 * The message the alert evaluator publishes to the alert topic, one per state change of a rule (and one per
 * reminder while it keeps firing). `docs/alert-message.md` describes every field and the SNS message
 * attributes the publisher sets beside it.
 */
export const ALERT_MESSAGE_TYPE = 'signupflow.alert';
export const ALERT_SEVERITIES = ['critical', 'warning', 'info'] as const;
export const ALERT_STATES = ['FIRING', 'RESOLVED', 'REMINDER'] as const;
/** The quick start's `notification_channels` values. */
export const ALERT_CHANNELS = ['slack', 'email'] as const;
/** The conditions of the quick start's `alert_rules.condition` column, e.g. `error_rate > 10`. */
export const ALERT_CONDITIONS = ['>', '>=', '<', '<=', '==', '!='] as const;

export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AlertState = (typeof ALERT_STATES)[number];
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** SNS message attributes the publisher must set, so that subscriptions can filter without parsing the body. */
export const ALERT_MESSAGE_ATTRIBUTES = {
  /** `String.Array`, e.g. `["slack","email"]`: the e-mail subscriptions' filter policy matches `email`. */
  channels: 'String.Array',
  severity: 'String',
  state: 'String',
  /** Always `signupflow.alert`. */
  type: 'String',
} as const;

const isoTimestamp = z.iso.datetime({ offset: true });
/** Buttons open these links: https only. */
const httpsUrl = z.url({ protocol: /^https$/ });

export const alertMessageSchema = z.object({
  type: z.literal(ALERT_MESSAGE_TYPE),
  /** Bumped on incompatible changes; the notifier renders unknown versions as a fallback message. */
  version: z.literal(1),
  ruleId: z.union([z.string().min(1), z.number().int()]),
  ruleName: z.string().min(1).max(200),
  /** One line on what the rule watches, from the rule's description. */
  description: z.string().max(2_000).optional(),
  metric: z.string().min(1),
  /** The metric's unit in words for display, e.g. `%`, `ms`, `requests/s`. */
  unit: z.string().max(20).optional(),
  currentValue: z.number(),
  condition: z.enum(ALERT_CONDITIONS),
  threshold: z.number(),
  severity: z.enum(ALERT_SEVERITIES),
  state: z.enum(ALERT_STATES),
  /** When the rule started firing; for RESOLVED, the start of the episode that just ended. */
  since: isoTimestamp,
  /** When this evaluation ran. */
  evaluatedAt: isoTimestamp,
  /** Set on RESOLVED: when the value went back within the threshold. */
  resolvedAt: isoTimestamp.optional(),
  /** The evaluation window, e.g. 300 for "over the last 5 minutes". */
  windowSeconds: z.number().int().positive().optional(),
  channels: z.array(z.enum(ALERT_CHANNELS)).nonempty(),
  /** Selects the Slack webhook (`#signupflow-oncall`); omitted means the stage's SLACK_ALERT_CHANNEL. */
  slackChannel: z
    .string()
    .regex(/^#[a-z0-9_-]+$/)
    .optional(),
  /** Same for every message of one firing episode (FIRING, REMINDERs, RESOLVED): rule id + episode start. */
  dedupKey: z.string().min(1).max(256),
  service: z.string().min(1),
  stage: z.string().min(1),
  runbookUrl: httpsUrl.optional(),
  dashboardUrl: httpsUrl.optional(),
  /** A Sentry issue or search that explains the errors behind the alert, when the evaluator knows one. */
  sentryUrl: httpsUrl.optional(),
  /** Up to 10 short labels shown with the alert, e.g. `{ "endpoint": "/api/events/{id}" }`. */
  labels: z
    .record(z.string().max(50), z.string().max(200))
    .refine((labels) => Object.keys(labels).length <= 10, { message: 'at most 10 labels' })
    .optional(),
});

export type AlertMessage = z.infer<typeof alertMessageSchema>;

/** The SNS `MessageAttributes` of a publish call for this alert. */
export function alertMessageAttributes(
  alert: AlertMessage,
): Record<keyof typeof ALERT_MESSAGE_ATTRIBUTES, { DataType: string; StringValue: string }> {
  return {
    channels: { DataType: 'String.Array', StringValue: JSON.stringify(alert.channels) },
    severity: { DataType: 'String', StringValue: alert.severity },
    state: { DataType: 'String', StringValue: alert.state },
    type: { DataType: 'String', StringValue: ALERT_MESSAGE_TYPE },
  };
}
