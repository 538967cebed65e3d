import type { AlertMessage } from '../shared/alert-message';
import { elapsedInWords, RESOLVED_LOOK, SEVERITY_LOOK, slackDate, utc } from './presentation';
import { type Block, escapeMrkdwn, httpsUrl, mrkdwn, plain, type SlackMessage } from './slack-message';

const CONDITION_WORDS: Record<AlertMessage['condition'], string> = {
  '>': '>',
  '>=': '≥',
  '<': '<',
  '<=': '≤',
  '==': '=',
  '!=': '≠',
};

/** The alert in one line of plain text: the Slack message's `text`, and the local loop's console line. */
export function alertSummary(alert: AlertMessage): string {
  const title = titleOf(alert);
  const value = withUnit(alert.currentValue, alert.unit);
  if (alert.state === 'RESOLVED') {
    const fired = elapsedInWords(Date.parse(alert.resolvedAt ?? alert.evaluatedAt) - Date.parse(alert.since));
    return `${title}: fired for ${fired}, ${alert.metric} now ${value} (${alert.service} ${alert.stage})`;
  }
  return `${title}: ${alert.metric} is ${value}, threshold ${thresholdOf(alert)}${windowOf(alert)} (${alert.service} ${alert.stage})`;
}

function titleOf(alert: AlertMessage): string {
  const look = alert.state === 'RESOLVED' ? RESOLVED_LOOK : SEVERITY_LOOK[alert.severity];
  if (alert.state === 'RESOLVED') return `${look.emoji} RESOLVED: ${alert.ruleName}`;
  if (alert.state === 'REMINDER') return `${look.emoji} ${look.label} (still firing): ${alert.ruleName}`;
  return `${look.emoji} ${look.label}: ${alert.ruleName}`;
}

function thresholdOf(alert: AlertMessage): string {
  return `${alert.metric} ${CONDITION_WORDS[alert.condition]} ${withUnit(alert.threshold, alert.unit)}`;
}

function windowOf(alert: AlertMessage): string {
  return alert.windowSeconds ? ` over ${elapsedInWords(alert.windowSeconds * 1_000)}` : '';
}

/**
 * The quick start's alert message, modernised: `text` fallback, a header block and a coloured attachment. The
 * alert comes scrubbed; every text taken from it is escaped here, last.
 */
export function formatAlert(alert: AlertMessage): SlackMessage {
  const severity = SEVERITY_LOOK[alert.severity];
  const look = alert.state === 'RESOLVED' ? RESOLVED_LOOK : severity;
  const title = titleOf(alert);
  const since = new Date(alert.since);
  const endedAt = new Date(alert.resolvedAt ?? alert.evaluatedAt);
  const elapsed = elapsedInWords(endedAt.getTime() - since.getTime());
  const value = withUnit(alert.currentValue, alert.unit);
  const threshold = thresholdOf(alert);
  const window = windowOf(alert);
  const summary = alertSummary(alert);

  const fields = [
    mrkdwn(`*Current Value*\n${escapeMrkdwn(value)}`),
    mrkdwn(`*Threshold*\n${escapeMrkdwn(threshold)}${window}`),
    mrkdwn(`*Severity*\n${severity.emoji} ${severity.label}`),
    mrkdwn(`*State*\n${alert.state}`),
    mrkdwn(`*Since*\n${slackDate(since)}`),
    mrkdwn(
      alert.state === 'RESOLVED'
        ? `*Fired for*\n${elapsed} (resolved ${slackDate(endedAt)})`
        : `*Firing for*\n${elapsed}`,
    ),
    ...Object.entries(alert.labels ?? {}).map(([name, labelValue]) =>
      mrkdwn(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(labelValue)}`),
    ),
  ];

  const links = [
    { label: 'Dashboard', url: httpsUrl(alert.dashboardUrl), id: 'dashboard' },
    { label: 'Runbook', url: httpsUrl(alert.runbookUrl), id: 'runbook' },
    { label: 'Sentry', url: httpsUrl(alert.sentryUrl), id: 'sentry' },
  ].filter((link): link is { label: string; url: string; id: string } => link.url !== undefined);

  const blocks: Block[] = [
    ...(alert.description
      ? [{ type: 'section' as const, text: mrkdwn(escapeMrkdwn(alert.description)) }]
      : []),
    { type: 'section', fields },
    ...(links.length > 0
      ? [
          {
            type: 'actions' as const,
            elements: links.map((link) => ({
              type: 'button' as const,
              text: plain(link.label, 75),
              url: link.url,
              action_id: link.id,
            })),
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${escapeMrkdwn(alert.service)} · ${escapeMrkdwn(alert.stage)} · rule ${escapeMrkdwn(String(alert.ruleId))} · evaluated ${utc(new Date(alert.evaluatedAt))} · dedup \`${escapeMrkdwn(alert.dedupKey)}\``,
        ),
      ],
    },
  ];

  return {
    // The top-level text is read as mrkdwn: a `<` would start a link.
    text: escapeMrkdwn(summary),
    blocks: [{ type: 'header', text: plain(title, 150) }],
    attachments: [{ color: look.color, fallback: summary, blocks }],
  };
}

function withUnit(value: number, unit: string | undefined): string {
  const number = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(3)));
  if (!unit) return number;
  return unit === '%' ? `${number}%` : `${number} ${unit}`;
}
