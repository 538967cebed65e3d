import { describe, expect, it } from 'vitest';
import { splitRunbookLink } from '../../../lambdas/slack-notifier/format-alarm';
import { renderSafely, type SnsNotice, slackMessage } from '../../../lambdas/slack-notifier/notify';
import { type Notification, recognise } from '../../../lambdas/slack-notifier/recognise';
import type { SlackMessage } from '../../../lambdas/slack-notifier/slack-message';
import { SECRETS } from '../../fixtures/secrets';
import {
  buttonsOf,
  contextTexts,
  expectWithinSlackLimits,
  FOOTER,
  fieldsOf,
  headerOf,
  notice,
  renderFixture,
  renderNotice,
  sectionTexts,
  visibleText,
} from './fixtures';

function render(fixture: string): SlackMessage {
  return renderFixture(fixture).message;
}

describe('evaluator alerts', () => {
  it.each([
    ['critical', '🚨 CRITICAL: High error rate', '#D00000'],
    ['warning', '⚠️ WARNING: Slow API responses', '#F2A900'],
    ['info', 'ℹ️ INFO: Database connections rising', '#2F80ED'],
  ])('a %s FIRING alert has its title, colour and fields', (severity, title, color) => {
    // Prepare / Act
    const message = render(`evaluator-${severity}-firing`);

    // Assess
    expect(headerOf(message)).toBe(title);
    expect(message.attachments[0]?.color).toBe(color);
    expect(message.text.startsWith(`${title}: `)).toBe(true);
    const fields = fieldsOf(message);
    expect(fields.map((field) => field.split('\n')[0])).toEqual(
      expect.arrayContaining(['*Current Value*', '*Threshold*', '*Severity*', '*State*', '*Since*']),
    );
    expect(fields).toContain('*State*\nFIRING');
    expect(fields.find((field) => field.startsWith('*Since*'))).toBe(
      '*Since*\n<!date^1795960320^{date_short_pretty} {time}|2026-11-29 13:52 UTC>',
    );
    expect(contextTexts(message).at(-1)).toMatch(
      /^signupflow · production · rule \d · evaluated 2026-11-29 14:10 UTC/,
    );
    expectWithinSlackLimits(message);
  });

  it('shows the value, the threshold in words, the labels and the links of a critical alert', () => {
    const message = render('evaluator-critical-firing');

    expect(message.text).toBe(
      '🚨 CRITICAL: High error rate: error_rate is 12.5%, threshold error_rate &gt; 10% over 5 min (signupflow production)',
    );
    expect(fieldsOf(message)).toEqual(
      expect.arrayContaining([
        '*Current Value*\n12.5%',
        '*Threshold*\nerror_rate &gt; 10% over 5 min',
        '*Severity*\n🚨 CRITICAL',
        '*Firing for*\n18 min',
        '*endpoint*\n/api/events/{id}',
      ]),
    );
    expect(sectionTexts(message)).toContain('More than 10% of API requests failed with a 5xx status.');
    expect(buttonsOf(message).map((button) => button.label)).toEqual(['Dashboard', 'Runbook', 'Sentry']);
    expect(buttonsOf(message)[1]?.url).toBe(
      'https://github.com/signupflow/monitoring/blob/main/docs/runbook.md#high-error-rate',
    );
  });

  it('leaves out the links it does not know', () => {
    const message = render('evaluator-info-firing');

    expect(buttonsOf(message).map((button) => button.label)).toEqual(['Dashboard', 'Runbook']);
    expect(fieldsOf(message)).toContain('*Threshold*\ndb_connections_active &gt; 40');
  });

  it.each(['critical', 'warning', 'info'])(
    'a %s RESOLVED alert is green and says how long it fired',
    (severity) => {
      const message = render(`evaluator-${severity}-resolved`);

      expect(headerOf(message)).toMatch(/^✅ RESOLVED: /);
      expect(message.attachments[0]?.color).toBe('#2EB67D');
      expect(message.text).toContain('fired for 1 h 23 min');
      expect(fieldsOf(message)).toContain('*State*\nRESOLVED');
      expect(fieldsOf(message).find((field) => field.startsWith('*Fired for*'))).toBe(
        '*Fired for*\n1 h 23 min (resolved <!date^1795965330^{date_short_pretty} {time}|2026-11-29 15:15 UTC>)',
      );
      expectWithinSlackLimits(message);
    },
  );

  it('a REMINDER says the alert is still firing and for how long', () => {
    const message = render('evaluator-critical-reminder');

    expect(headerOf(message)).toBe('🚨 CRITICAL (still firing): High error rate');
    expect(message.attachments[0]?.color).toBe('#D00000');
    expect(fieldsOf(message)).toEqual(
      expect.arrayContaining(['*State*\nREMINDER', '*Firing for*\n2 h 0 min']),
    );
  });

  it('an alert that breaks the schema is shown as it came; the schema errors go to the log only', () => {
    const received = notice('evaluator-invalid');

    const { message, problem } = renderNotice(received);

    expect(headerOf(message)).toBe('📨 CRITICAL FIRING: High error rate');
    expect(message.attachments[0]?.color).toBe('#808080');
    expect(sectionTexts(message)[0]).toContain('"ruleName": "High error rate"');
    expect(problem).toMatch(/^invalid alert message: .*threshold.*severity/);
    expect(visibleText(message)).not.toMatch(/invalid alert message|Invalid input|expected/i);
  });
});

describe('CloudWatch alarms', () => {
  it('an ALARM is red with the reason, the metric and threshold in words, account, region and time', () => {
    const message = render('cloudwatch-alarm');

    expect(headerOf(message)).toBe('🔴 ALARM: signupflow-production-api-errors');
    expect(message.attachments[0]?.color).toBe('#D00000');
    expect(message.text).toMatch(
      /^🔴 ALARM: signupflow-production-api-errors: Threshold Crossed: 1 out of the last 1/,
    );
    expect(sectionTexts(message)).toEqual([
      'signupflow-production-api failed at least once in 5 minutes (Lambda Errors metric).',
      '*Reason*\nThreshold Crossed: 1 out of the last 1 datapoints [3.0 (29/11/26 14:05:00)] was greater than or equal to the threshold (1.0) (minimum 1 datapoint for OK -&gt; ALARM transition).',
      '*Condition*\nErrors (AWS/Lambda, FunctionName=signupflow-production-api) Sum over 5 minutes ≥ 1 in 1 of 1 periods, missing data not breaching',
    ]);
    expect(fieldsOf(message)).toEqual([
      '*State*\nOK → ALARM',
      '*Time*\n<!date^1795961432^{date_short_pretty} {time}|2026-11-29 14:10 UTC>',
      '*Account*\n123456789012',
      '*Region*\neu-west-1 (EU (Ireland))',
    ]);
    expect(buttonsOf(message)).toEqual([
      {
        label: 'Open in CloudWatch',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/signupflow-production-api-errors',
      },
    ]);
    expect(contextTexts(message)).toEqual([
      'signupflow · production · CloudWatch alarm · 2026-11-29 14:10 UTC',
    ]);
    expectWithinSlackLimits(message);
  });

  it("this stack's alarm: the runbook link of its description becomes a button beside the console's", () => {
    const message = render('cloudwatch-alarm-with-runbook');

    expect(sectionTexts(message)[0]).toBe(
      'signupflow-production-api failed at least once in 5 minutes (Lambda Errors metric).',
    );
    expect(buttonsOf(message)).toEqual([
      {
        label: 'Open in CloudWatch',
        url: 'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/signupflow-production-api-errors',
      },
      {
        label: 'Runbook',
        url: 'https://github.com/signupflow/monitoring/blob/main/docs/MONITORING_RUNBOOK.md#function-errors',
      },
    ]);
    expectWithinSlackLimits(message);
  });

  it.each([
    ['no https', 'Errors. Runbook: http://wiki.example/runbook'],
    ['a script', 'Errors. Runbook: javascript:alert(1)'],
    ['more words after it', 'Errors. Runbook: https://wiki.example/runbook, ask #ops'],
  ])('a description whose runbook link is %s stays text, with no button', (_case, description) => {
    // Act
    const split = splitRunbookLink(description);

    // Assess
    expect(split).toEqual({ text: description });
  });

  it('an OK is green', () => {
    const message = render('cloudwatch-ok');

    expect(headerOf(message)).toBe('✅ OK: signupflow-production-api-errors');
    expect(message.attachments[0]?.color).toBe('#2EB67D');
    expect(fieldsOf(message)[0]).toBe('*State*\nALARM → OK');
  });

  it('INSUFFICIENT_DATA is amber and names a percentile statistic', () => {
    const message = render('cloudwatch-insufficient-data');

    expect(headerOf(message)).toBe('🟠 INSUFFICIENT_DATA: signupflow-production-api-duration-p99');
    expect(message.attachments[0]?.color).toBe('#F2A900');
    expect(sectionTexts(message)).toContain(
      '*Condition*\nDuration (AWS/Lambda, FunctionName=signupflow-production-api) p99 over 5 minutes &gt; 8000 in 1 of 1 periods',
    );
  });

  it('links to the console of the GovCloud partition for a GovCloud alarm', () => {
    const message = render('cloudwatch-alarm-us-gov');

    expect(buttonsOf(message)[0]?.url).toBe(
      'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/signupflow-production-api-errors',
    );
    expect(fieldsOf(message)).toContain('*Region*\nus-gov-west-1 (AWS GovCloud (US-West))');
  });

  it('a composite alarm shows its rule and the children that triggered it', () => {
    const message = render('cloudwatch-composite-alarm');

    expect(headerOf(message)).toBe('🔴 ALARM: signupflow-production-api-unhealthy (composite)');
    expect(sectionTexts(message)).toEqual(
      expect.arrayContaining([
        '*Rule*\nALARM("signupflow-production-api-errors") OR ALARM("signupflow-production-api-throttles")',
        '*Triggered by*\n• signupflow-production-api-errors: ALARM',
      ]),
    );
    expect(buttonsOf(message)[0]?.url).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/signupflow-production-api-unhealthy',
    );
  });
});

describe('anything else', () => {
  it('plain text is shown as it came, titled with the SNS subject', () => {
    const message = render('plain-text');

    expect(headerOf(message)).toBe('📨 Deploy finished');
    expect(message.attachments[0]?.color).toBe('#808080');
    expect(sectionTexts(message)).toEqual([
      '```Deploy of signupflow 4f2c1ab to production finished at 14:02 UTC.\nNo action needed.```',
    ]);
    expect(message.text).toBe(
      '📨 Deploy finished: Deploy of signupflow 4f2c1ab to production finished at 14:02 UTC.',
    );
    expect(contextTexts(message).at(-1)).toBe(
      'signupflow · production · text message 9b3e5f70-0000-4000-8000-000000000001 · 2026-11-29 14:02 UTC',
    );
  });

  it('malformed JSON is shown as text, with the value of a password key redacted', () => {
    const message = render('malformed-json');

    expect(headerOf(message)).toBe('📨 Message on signupflow-production-alerts');
    expect(sectionTexts(message)[0]).toBe(
      '```{"AlarmName": "signupflow-production-api-errors", "NewStateValue": "ALARM", "password": [REDACTED]```',
    );
    expect(visibleText(message)).not.toContain('hunter2');
  });

  it('JSON of an unknown shape is pretty-printed, with sensitive keys redacted', () => {
    const message = render('unknown-json');

    expect(headerOf(message)).toBe('📨 Nightly backup');
    expect(sectionTexts(message)[0]).toContain('\n  "status": "failed",\n');
    expect(sectionTexts(message)[0]).toContain('"db_password": [REDACTED],');
    expect(visibleText(message)).not.toContain('hunter2');
  });

  it('a 100 KB message is cut with a visible marker and stays within every Slack limit', () => {
    const message = render('large-message');

    expectWithinSlackLimits(message);
    const sections = sectionTexts(message);
    expect(sections.length).toBe(5);
    expect(sections[0]?.startsWith('```00001 2026-11-29T14:00:00Z ERROR signupflow.api request failed')).toBe(
      true,
    );
    expect(sections.every((text) => text.startsWith('```') && text.endsWith('```'))).toBe(true);
    expect(contextTexts(message)).toContain(
      '… [truncated] 91,140 more characters not shown (102,400 in all).',
    );
    expect(JSON.stringify(message).length).toBeLessThan(40_000);
  });
});

/** A fixture's notice with its message replaced. */
function withMessage(fixture: string, change: (message: Record<string, unknown>) => unknown): SnsNotice {
  const received = notice(fixture);
  const message = change(JSON.parse(received.message) as Record<string, unknown>);
  return { ...received, message: typeof message === 'string' ? message : JSON.stringify(message) };
}

function renderNoticeMessage(received: SnsNotice): SlackMessage {
  return renderNotice(received).message;
}

describe('secrets are scrubbed before the text is escaped for Slack', () => {
  const secret = `password=<${SECRETS.password}>`;

  it('in an alert', () => {
    // Prepare: a secret in angle brackets, which escaping would turn into `&lt;...&gt;`.
    const received = withMessage('evaluator-critical-firing', (alert) => ({
      ...alert,
      description: `Login failed: ${secret}`,
    }));

    // Act
    const message = renderNoticeMessage(received);

    // Assess
    expect(sectionTexts(message)).toContain('Login failed: password=[REDACTED]');
    expect(visibleText(message)).not.toContain(SECRETS.password);
  });

  it('in a CloudWatch alarm', () => {
    const received = withMessage('cloudwatch-alarm', (alarm) => ({
      ...alarm,
      NewStateReason: `Probe failed: ${secret}`,
    }));

    const message = renderNoticeMessage(received);

    expect(sectionTexts(message)).toContain('*Reason*\nProbe failed: password=[REDACTED]');
    expect(visibleText(message)).not.toContain(SECRETS.password);
  });

  it('in a fallback', () => {
    const received = { ...notice('plain-text'), message: `Deploy failed: ${secret} <@U123> & more` };

    const message = renderNoticeMessage(received);

    expect(sectionTexts(message)).toEqual([
      '```Deploy failed: password=[REDACTED] &lt;@U123&gt; &amp; more```',
    ]);
    expect(visibleText(message)).not.toContain(SECRETS.password);
  });

  it('in an EventBridge event', () => {
    const received = withMessage('eventbridge-backup', (event) => ({
      ...event,
      detail: { ...(event.detail as object), statusMessage: `Backup failed: ${secret}` },
    }));

    const message = renderNoticeMessage(received);

    expect(fieldsOf(message)).toContain('*statusMessage*\nBackup failed: password=[REDACTED]');
    expect(visibleText(message)).not.toContain(SECRETS.password);
  });
});

describe('a structured alert carrying secrets', () => {
  it('is scrubbed in its description, labels and links', () => {
    // Prepare
    const received = withMessage('evaluator-critical-firing', (alert) => ({
      ...alert,
      description: `Failing calls to ${SECRETS.slackWebhookUrl} with Bearer ${SECRETS.bearerToken}`,
      labels: { endpoint: '/api/events/{id}', user: SECRETS.email, session: `token=${SECRETS.jwt}` },
      runbookUrl: `https://ops:${SECRETS.password}@wiki.example.org/runbook`,
      sentryUrl: `https://signupflow.sentry.io/issues/?token=${SECRETS.bearerToken}`,
    }));

    // Act
    const message = renderNoticeMessage(received);

    // Assess
    const text = visibleText(message);
    for (const value of Object.values(SECRETS)) expect(text).not.toContain(value);
    expect(sectionTexts(message)[0]).toBe('Failing calls to [REDACTED] with Bearer [REDACTED]');
    expect(fieldsOf(message)).toEqual(
      expect.arrayContaining(['*endpoint*\n/api/events/{id}', '*user*\n[REDACTED]']),
    );
    for (const button of buttonsOf(message)) expect(new URL(button.url).protocol).toBe('https:');
    expect(buttonsOf(message).map((button) => button.label)).toEqual(['Dashboard', 'Runbook', 'Sentry']);
  });
});

describe('EventBridge events delivered through SNS', () => {
  it.each([
    [
      'eventbridge-health',
      '📣 AWS Health Event',
      'aws.health',
      '*eventTypeCode*\nAWS_RDS_MAINTENANCE_SCHEDULED',
    ],
    ['eventbridge-guardduty', '📣 GuardDuty Finding', 'aws.guardduty', '*severity*\n5'],
    ['eventbridge-backup', '📣 Backup Job State Change', 'aws.backup', '*state*\nFAILED'],
  ])('%s is titled by its detail-type, with a compact field list', (fixture, title, source, detailField) => {
    const message = render(fixture);

    expect(headerOf(message)).toBe(title);
    expect(message.attachments[0]?.color).toBe('#2F80ED');
    expect(fieldsOf(message)).toEqual(
      expect.arrayContaining([
        `*Source*\n${source}`,
        '*Account*\n123456789012',
        '*Region*\neu-west-1',
        detailField,
      ]),
    );
    expect(visibleText(message)).not.toContain('"detail-type"');
    expectWithinSlackLimits(message);
  });

  it('lists the resources and leaves nested detail out', () => {
    const message = render('eventbridge-health');

    expect(sectionTexts(message)).toContain(
      '*Resources*\n• arn:aws:rds:eu-west-1:123456789012:db:signupflow-production',
    );
    expect(visibleText(message)).not.toContain('latestDescription');
  });

  it('shows at most 10 detail fields and says how many more there were', () => {
    const received = withMessage('eventbridge-backup', (event) => ({
      ...event,
      detail: Object.fromEntries(
        Array.from({ length: 25 }, (_, index) => [`field${index}`, 'backup failed '.repeat(400)]),
      ),
    }));

    const message = renderNoticeMessage(received);

    expect(fieldsOf(message).filter((field) => field.startsWith('*field'))).toHaveLength(10);
    expect(contextTexts(message).at(-1)).toContain('15 more detail fields not shown');
    expectWithinSlackLimits(message);
  });
});

describe('the fallback measures what Slack sees', () => {
  it('cuts text full of <, > and & after escaping, never inside an escape, and says how much is left', () => {
    // Prepare: 6,000 characters that grow to 24,000 when escaped.
    const received = { ...notice('plain-text'), message: '<&>&'.repeat(1_500) };

    // Act
    const message = renderNoticeMessage(received);

    // Assess
    expectWithinSlackLimits(message);
    const code = sectionTexts(message).map((text) => text.slice(3, -3));
    const shown = code.join('');
    expect(shown.length).toBeLessThanOrEqual(12_000);
    expect(shown).toMatch(/^(?:&lt;|&gt;|&amp;)+$/);
    for (const text of sectionTexts(message)) expect(text.endsWith('```')).toBe(true);
    const shownCharacters = shown.split(';').length - 1;
    expect(contextTexts(message)).toContain(
      `… [truncated] ${(6_000 - shownCharacters).toLocaleString('en-US')} more characters not shown (6,000 in all).`,
    );
  });

  it('shows JSON nested 2,000 levels deep as text instead of failing', () => {
    const deep = `${'{"a":'.repeat(2_000)}"password=hunter2"${'}'.repeat(2_000)}`;
    const received = { ...notice('unknown-json'), message: deep };

    const { message, problem } = slackMessage(recognise(deep), received, FOOTER);

    expect(sectionTexts(message)[0]?.startsWith('```{"a":{"a":')).toBe(true);
    expect(problem).toBe('JSON nested deeper than 20 levels');
    expectWithinSlackLimits(message);
  });

  it('posts the raw text when formatting throws, and returns the reason for the log', () => {
    const broken = {
      kind: 'alarm',
      alarm: {
        get AlarmName(): string {
          throw new TypeError('a getter that fails');
        },
      },
    } as unknown as Notification;
    const received = { ...notice('plain-text'), message: '{"AlarmName": "x", "NewStateValue": "<ALARM>"}' };

    const { message, problem } = renderSafely(broken, received, FOOTER);

    expect(sectionTexts(message)).toEqual(['```{"AlarmName": "x", "NewStateValue": "&lt;ALARM&gt;"}```']);
    expect(problem).toBe('formatting failed (TypeError: a getter that fails)');
  });
});
