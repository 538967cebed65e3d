/**
 * Links into docs/MONITORING_RUNBOOK.md. Pure TypeScript without CDK imports, so that the alert evaluator's
 * bundle can use it too. test/lib/runbook-links.test.ts checks every alarm's link against the headings.
 */

export const RUNBOOK_PATH = 'docs/MONITORING_RUNBOOK.md';
export const RUNBOOK_URL = `https://github.com/signupflow/monitoring/blob/main/${RUNBOOK_PATH}`;

/** CloudWatch refuses an alarm description longer than this. */
export const ALARM_DESCRIPTION_MAX_LENGTH = 1024;

/** The runbook's sections that alarms and alerts link to: key → the heading's text, as written in the file. */
export const RUNBOOK_SECTIONS = {
  functionErrors: 'Function errors',
  functionThrottles: 'Function throttles',
  functionDuration: 'Function duration near the timeout',
  healthDatabase: 'Health: database',
  healthRedis: 'Health: redis',
  api5xxRate: 'API 5xx rate',
  notifierDeadLetters: 'Slack notifier dead letters',
  scheduledTargetDeadLetters: 'Scheduled target dead letters',
  evaluatorNotRunning: 'Alert evaluator not running',
  rulesInError: 'Alert rules in error',
  notificationsFailing: 'Alert notifications failing',
  highErrorRate: 'High error rate',
  otherRules: 'Other alert rules',
} as const;

export type RunbookSection = keyof typeof RUNBOOK_SECTIONS;

/**
 * GitHub's anchor for a Markdown heading: lower case, punctuation dropped except `-` and `_`, each space
 * a `-`. Inline code marks and link syntax are dropped first, as GitHub renders the heading's text.
 */
export function githubAnchor(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/ /g, '-');
}

/** The link to one section of the runbook. */
export function runbookUrl(section: RunbookSection): string {
  return `${RUNBOOK_URL}#${githubAnchor(RUNBOOK_SECTIONS[section])}`;
}

/**
 * An alarm description ending with the link to its runbook section. Throws at synth when the result would
 * be longer than CloudWatch accepts, rather than at deploy.
 */
export function describeAlarm(text: string, section: RunbookSection): string {
  const description = `${text} Runbook: ${runbookUrl(section)}`;
  if (description.length > ALARM_DESCRIPTION_MAX_LENGTH) {
    throw new Error(
      `The alarm description for "${RUNBOOK_SECTIONS[section]}" is ${description.length} characters; CloudWatch accepts at most ${ALARM_DESCRIPTION_MAX_LENGTH}.`,
    );
  }
  return description;
}
