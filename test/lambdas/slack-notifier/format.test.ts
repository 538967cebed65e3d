import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../lambdas/slack-notifier/notify';
import { recognise } from '../../../lambdas/slack-notifier/recognise';
import type { SlackMessage } from '../../../lambdas/slack-notifier/slack-message';
import {
  buttonsOf,
  contextTexts,
  expectWithinSlackLimits,
  fieldsOf,
  headerOf,
  notice,
  sectionTexts,
  visibleText,
} from './fixtures';

const footer = { service: 'signupflow', stage: 'production' };

function render(fixture: string): SlackMessage {
  const received = notice(fixture);
  return slackMessage(recognise(received.message), received, footer);
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

  it('an alert that breaks the schema is shown as a fallback that names the problem', () => {
    const message = render('evaluator-invalid');

    expect(headerOf(message)).toBe('📨 CRITICAL FIRING: High error rate');
    expect(message.attachments[0]?.color).toBe('#808080');
    const problem = contextTexts(message)[0] ?? '';
    expect(problem).toMatch(/^Not delivered as an alert: invalid alert message: /);
    expect(problem).toContain('threshold');
    expect(problem).toContain('severity');
    expect(sectionTexts(message)[0]).toContain('"ruleName": "High error rate"');
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
      '*Condition*\nErrors (AWS/Lambda, FunctionName=signupflow-production-api) Sum over 5 minutes ≥ 1 in 1 of 1 periods',
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
      '… [truncated] 90,400 more characters not shown (102,400 in all).',
    );
    expect(JSON.stringify(message).length).toBeLessThan(40_000);
  });
});
