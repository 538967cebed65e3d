import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { slackMessage } from '../../../lambdas/slack-notifier/notify';
import { recognise } from '../../../lambdas/slack-notifier/recognise';
import {
  buttonsOf,
  expectWithinSlackLimits,
  FIXTURES_DIR,
  FOOTER,
  fieldsOf,
  headerOf,
  notice,
  renderFixture,
  sectionTexts,
  visibleText,
} from './fixtures';

const consoleLink = (region: string, name: string) =>
  `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${name}`;

/** What on-call must see for each CloudWatch alarm of the corpus, in each form CloudWatch has sent it. */
const ALARMS: Record<
  string,
  {
    header: string;
    color: string;
    region: string;
    link: string | undefined;
    condition?: string;
    /** This stack's alarms end their description with their runbook section's link. */
    runbook?: string;
  }
> = {
  'cloudwatch-alarm': {
    header: '🔴 ALARM: signupflow-production-api-errors',
    color: '#D00000',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-errors'),
  },
  'cloudwatch-alarm-with-runbook': {
    header: '🔴 ALARM: signupflow-production-api-errors',
    color: '#D00000',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-errors'),
    runbook: 'https://github.com/signupflow/monitoring/blob/main/docs/MONITORING_RUNBOOK.md#function-errors',
  },
  'cloudwatch-ok': {
    header: '✅ OK: signupflow-production-api-errors',
    color: '#2EB67D',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-errors'),
  },
  'cloudwatch-insufficient-data': {
    header: '🟠 INSUFFICIENT_DATA: signupflow-production-api-duration-p99',
    color: '#F2A900',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-duration-p99'),
  },
  'cloudwatch-alarm-us-gov': {
    header: '🔴 ALARM: signupflow-production-api-errors',
    color: '#D00000',
    region: 'us-gov-west-1 (AWS GovCloud (US-West))',
    link: 'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-west-1#alarmsV2:alarm/signupflow-production-api-errors',
  },
  'cloudwatch-composite-alarm': {
    header: '🔴 ALARM: signupflow-production-api-unhealthy (composite)',
    color: '#D00000',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-unhealthy'),
    condition:
      '*Rule*\nALARM("signupflow-production-api-errors") OR ALARM("signupflow-production-api-throttles")',
  },
  'cloudwatch-alarm-no-arn-eu-ireland': {
    header: '🔴 ALARM: signupflow-production-api-errors',
    color: '#D00000',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-errors'),
    condition:
      '*Condition*\nErrors (AWS/Lambda, FunctionName=signupflow-production-api) Sum over 5 minutes ≥ 1 in 1 of 1 periods, missing data not breaching',
  },
  'cloudwatch-alarm-no-arn-eu-dash-ireland': {
    header: '🔴 ALARM: signupflow-production-api-errors',
    color: '#D00000',
    region: 'eu-west-1 (EU - Ireland)',
    link: consoleLink('eu-west-1', 'signupflow-production-api-errors'),
    condition:
      '*Condition*\nErrors (AWS/Lambda, FunctionName=signupflow-production-api) Sum over 5 minutes ≥ 1 in 1 of 1 periods, missing data not breaching',
  },
  'cloudwatch-ok-no-arn-us-east': {
    header: '✅ OK: signupflow-production-api-duration',
    color: '#2EB67D',
    region: 'us-east-1 (US East (N. Virginia))',
    link: consoleLink('us-east-1', 'signupflow-production-api-duration'),
    condition:
      '*Condition*\nDuration (AWS/Lambda, FunctionName=signupflow-production-api) p99 over 1 minute &gt; 8000 Milliseconds in 3 of 5 periods',
  },
  'cloudwatch-alarm-metric-math': {
    header: '🔴 ALARM: signupflow-production-api-error-rate',
    color: '#D00000',
    region: 'eu-west-1 (EU (Ireland))',
    link: consoleLink('eu-west-1', 'signupflow-production-api-error-rate'),
    condition:
      '*Condition*\nmetric math API error rate over 1 minute &gt; 5 in 2 of 3 periods, missing data breaching',
  },
  'cloudwatch-alarm-unknown-region': {
    header: '🟠 INSUFFICIENT_DATA: signupflow-production-queue-depth',
    color: '#F2A900',
    region: 'Moon Base (Tranquility)',
    link: undefined,
    condition:
      '*Condition*\nApproximateNumberOfMessagesVisible (AWS/SQS, QueueName=signupflow-production-jobs) Maximum over 5 minutes &gt; 100 in 2 of 2 periods',
  },
  'cloudwatch-alarm-minimal': {
    header: '🔴 ALARM: signupflow-production-legacy-check',
    color: '#D00000',
    region: 'unknown region',
    link: undefined,
  },
};

const corpus = readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.slice(0, -'.json'.length));

describe('CloudWatch alarm notifications in every form of the corpus', () => {
  it('describes every cloudwatch-* fixture', () => {
    expect(Object.keys(ALARMS).sort()).toEqual(
      corpus.filter((name) => name.startsWith('cloudwatch-')).sort(),
    );
  });

  it.each(Object.entries(ALARMS))('%s is posted as an alarm', (fixture, expected) => {
    // Prepare
    const received = notice(fixture);

    // Act
    const notification = recognise(received.message);
    const { message, problem } = slackMessage(notification, received, FOOTER);

    // Assess
    expect(notification.kind).toBe('alarm');
    expect(problem).toBeUndefined();
    expect(headerOf(message)).toBe(expected.header);
    expect(message.attachments[0]?.color).toBe(expected.color);
    expect(fieldsOf(message)).toContain(`*Region*\n${expected.region}`);
    expect(buttonsOf(message).map((button) => button.url)).toEqual(
      [expected.link, expected.runbook].filter((url) => url !== undefined),
    );
    if (expected.condition) expect(sectionTexts(message)).toContain(expected.condition);
    expectWithinSlackLimits(message);
  });
});

describe('every SNS message of the corpus', () => {
  const kinds: Record<string, string> = { cloudwatch: 'alarm', evaluator: 'alert', eventbridge: 'event' };
  const readable = corpus.filter((name) => name !== 'not-sns');

  it.each(readable)('%s is shown within Slack’s limits, without a schema or parser error', (fixture) => {
    const received = notice(fixture);

    const notification = recognise(received.message);
    const { message } = renderFixture(fixture);

    const expectedKind =
      fixture === 'evaluator-invalid' ? 'fallback' : (kinds[fixture.split('-')[0] ?? ''] ?? 'fallback');
    expect(notification.kind).toBe(expectedKind);
    expectWithinSlackLimits(message);
    expect(visibleText(message)).not.toMatch(
      /Invalid input|invalid alert|unreadable|expected (string|number)/i,
    );
  });
});
