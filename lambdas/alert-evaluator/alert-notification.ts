import { runbookUrl } from '../../lib/runbook';
import { ALERT_MESSAGE_TYPE, type AlertMessage, alertMessageSchema } from '../shared/alert-message';
import type { NotificationKind, RuleMemory } from './evaluate-rule';
import { catalogueEntry, type MetricName } from './metric-catalogue';
import type { AlertRule } from './rule';

/** Who sends: shown in every message's footer and links. */
export interface AlertContext {
  service: string;
  stage: string;
  dashboardUrl?: string;
}

/** Every message of one firing episode (FIRING, REMINDERs, RESOLVED) carries the same key. */
export function dedupKeyOf(rule: AlertRule, episodeStartedAt: Date): string {
  return `${rule.id}:${episodeStartedAt.toISOString()}`;
}

/**
 * The alert message (docs/alert-message.md) for a notification a decision owes, validated against the
 * schema the notifier reads with; throws a ZodError when the rule holds something the schema refuses.
 */
export function buildAlertMessage(
  rule: AlertRule,
  memory: RuleMemory,
  kind: NotificationKind,
  now: Date,
  context: AlertContext,
): AlertMessage {
  const episodeStart = memory.episodeStartedAt ?? now;
  const dimensions = Object.entries(rule.metricDimensions).slice(0, 9);
  const labels: Record<string, string> = Object.fromEntries(
    dimensions.map(([key, value]) => [key.slice(0, 50), value.slice(0, 200)]),
  );
  if (memory.lastValue === null) labels.datapoints = 'missing (treated as breaching)';
  const unit = rule.source === 'cloudwatch' ? catalogueEntry(rule.metricName as MetricName).unit : '';
  return alertMessageSchema.parse({
    type: ALERT_MESSAGE_TYPE,
    version: 1,
    ruleId: rule.id,
    ruleName: rule.name,
    ...(rule.description && { description: rule.description }),
    metric:
      rule.metricName === 'cloudwatch'
        ? `${rule.cloudwatchNamespace}/${rule.cloudwatchMetricName}`
        : rule.metricName,
    ...(unit && { unit }),
    currentValue: memory.lastValue ?? 0,
    condition: rule.condition,
    threshold: rule.threshold,
    severity: rule.severity,
    state: kind,
    since: episodeStart.toISOString(),
    evaluatedAt: now.toISOString(),
    ...(kind === 'RESOLVED' && { resolvedAt: now.toISOString() }),
    windowSeconds: rule.periodSeconds * rule.evaluationPeriods,
    channels: rule.notificationChannels,
    ...(rule.slackChannel && { slackChannel: rule.slackChannel }),
    dedupKey: dedupKeyOf(rule, episodeStart),
    service: context.service,
    stage: context.stage,
    runbookUrl: rule.runbookUrl ?? runbookUrl('otherRules'),
    ...(context.dashboardUrl && { dashboardUrl: context.dashboardUrl }),
    ...(Object.keys(labels).length > 0 && { labels }),
  });
}

/** SNS accepts only ASCII in a subject, at most 100 characters, no line breaks: e-mail shows it. */
export function subjectOf(alert: AlertMessage): string {
  const text = `${alert.severity.toUpperCase()} ${alert.state}: ${alert.ruleName}`;
  let ascii = '';
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    ascii +=
      code >= 0x20 && code < 0x7f ? character : code === 0x0a || code === 0x0d || code === 0x09 ? ' ' : '';
  }
  return ascii.slice(0, 100).trim();
}
