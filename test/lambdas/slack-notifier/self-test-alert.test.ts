import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SELF_TEST_ALERT_TYPE, type SelfTestAlert } from '../../../lambdas/shared/self-test-alert';
import { formatSelfTest } from '../../../lambdas/slack-notifier/format-self-test';
import { recognise } from '../../../lambdas/slack-notifier/recognise';
import { closedPort } from '../../support/hung-server';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { stubSelfTestEnv, testSecretArn } from '../../support/self-test';
import { type SlackServer, startSlackServer } from '../../support/slack-server';
import { snsEventOf } from '../../support/sns-events';
import { snsWireStandIn, type WireStandIn } from '../alert-evaluator/aws-wire-stand-ins';
import {
  allBlocks,
  buttonsOf,
  contextTexts,
  expectWithinSlackLimits,
  headerOf,
  sectionTexts,
} from './fixtures';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-test-alerts';
const DEFAULT_CHANNEL = '#signupflow-alerts-test';
const ALERTS_SECRET = testSecretArn('slack-webhook-alerts');
const ONCALL_SECRET = testSecretArn('slack-webhook-oncall');

const TEST_ALERT: SelfTestAlert = {
  type: SELF_TEST_ALERT_TYPE,
  version: 1,
  id: 'verify-20261208-7f3a9c',
  service: 'signupflow',
  stage: 'production',
  sentAt: '2026-12-08T09:15:00.000Z',
};

/** The Query protocol's form fields of a Publish, as SNS then delivers them to a Lambda subscriber. */
function deliveredAttributes(form: Record<string, unknown>): Record<string, { Type: string; Value: string }> {
  const attributes: Record<string, { Type: string; Value: string }> = {};
  for (let entry = 1; `MessageAttributes.entry.${entry}.Name` in form; entry += 1) {
    const prefix = `MessageAttributes.entry.${entry}`;
    attributes[form[`${prefix}.Name`] as string] = {
      Type: form[`${prefix}.Value.DataType`] as string,
      Value: form[`${prefix}.Value.StringValue`] as string,
    };
  }
  return attributes;
}

describe('the self-test message: recognised, and unmistakably not an alert', () => {
  it('is recognised as a self-test', () => {
    expect(recognise(JSON.stringify(TEST_ALERT))).toEqual({ kind: 'self-test', test: TEST_ALERT });
  });

  it('falls back to showing the message as received when it is malformed, saying why for the log', () => {
    // Prepare: a newer version than this notifier knows
    const malformed = { ...TEST_ALERT, version: 2 };

    // Act
    const notification = recognise(JSON.stringify(malformed));

    // Assess
    expect(notification).toMatchObject({ kind: 'fallback', json: malformed });
    expect(notification.kind === 'fallback' && notification.problem).toMatch(
      /^invalid self-test message: version/,
    );
  });

  it('says in its header and text that it is a self-test needing no action, in grey, with no button', () => {
    // Act
    const message = formatSelfTest(TEST_ALERT);

    // Assess
    expect(headerOf(message)).toBe('🧪 Self-test of the alert path: signupflow production');
    expect(message.text).toBe('🧪 Self-test of the alert path: signupflow production. No action needed.');
    expect(message.attachments.map((attachment) => attachment.color)).toEqual(['#808080']);
    expect(buttonsOf(message)).toEqual([]);
    expect(allBlocks(message).map((block) => block.type)).not.toContain('actions');
    expect(JSON.stringify(message)).not.toMatch(/CRITICAL|WARNING|FIRING|ALARM|🚨|🔴/);
    expectWithinSlackLimits(message);
  });

  it('names the run that sent it, so that a reader can match it to the verify output', () => {
    const message = formatSelfTest(TEST_ALERT);

    expect(contextTexts(message)).toEqual(['self-test `verify-20261208-7f3a9c`']);
    expect(sectionTexts(message)[0]).toMatch(/^`npm run verify -- --stage production` sent this at <!date\^/);
  });

  it('cannot mention anyone through the stage or service it names', () => {
    const message = formatSelfTest({ ...TEST_ALERT, service: '<!channel>', stage: '<!here|here>' });

    expect(message.text).not.toContain('<!');
    for (const text of sectionTexts(message)) expect(text).not.toMatch(/<!(channel|here)/);
  });
});

describe('the test alert through the Slack notifier, against a Slack stand-in', () => {
  const sqs = mockClient(SQSClient);
  const secretsManager = mockClient(SecretsManagerClient);
  let alertsSlack: SlackServer;
  let oncallSlack: SlackServer;
  let sns: WireStandIn;
  let output: CapturedOutput;

  /** The notifier as a fresh Lambda environment of the stack loads it: two webhooks, #oncall for critical only. */
  async function loadNotifier() {
    vi.resetModules();
    stubSelfTestEnv({
      SLACK_ALERT_CHANNEL: DEFAULT_CHANNEL,
      SLACK_WEBHOOKS: JSON.stringify([
        { channel: DEFAULT_CHANNEL, secretArn: ALERTS_SECRET },
        { channel: '#oncall', severities: ['critical'], secretArn: ONCALL_SECRET },
      ]),
      NOTIFIER_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/signupflow-test-notifier-dlq',
      METRICS_FLUSH_INTERVAL_SECONDS: '0',
    });
    return (await import('../../../lambdas/slack-notifier/handler')).handler;
  }

  /** The test alert exactly as the evaluator's self-test publishes it to SNS (its other checks fail fast here). */
  async function publishedTestAlert(): Promise<SNSEvent> {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    stubSelfTestEnv({
      ALERT_TOPIC_ARN: TOPIC_ARN,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: refused,
      DATABASE_URL: `postgres://monitor@${refused.slice('http://'.length)}/signupflow`,
      REDIS_URL: `redis://${refused.slice('http://'.length)}`,
    });
    const { selfTest } = await import('../../../lambdas/alert-evaluator/self-test');
    const report = await selfTest({ testAlertId: TEST_ALERT.id });
    vi.unstubAllEnvs();
    const publish = sns.requests.at(-1) as Record<string, string>;
    return snsEventOf(
      publish.Message as string,
      report.selfTest.testAlert?.messageId ?? '',
      deliveredAttributes(publish),
    );
  }

  beforeAll(async () => {
    alertsSlack = await startSlackServer();
    oncallSlack = await startSlackServer();
    sns = await snsWireStandIn();
  });

  beforeEach(() => {
    alertsSlack.posts.length = 0;
    oncallSlack.posts.length = 0;
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    secretsManager.reset();
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ALERTS_SECRET })
      .resolves({ SecretString: alertsSlack.url });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: ONCALL_SECRET })
      .resolves({ SecretString: oncallSlack.url });
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    sqs.restore();
    secretsManager.restore();
    await Promise.all([alertsSlack.close(), oncallSlack.close(), sns.close()]);
  });

  it("posts the evaluator's test alert once, to the default channel's webhook, as the self-test message", async () => {
    // Prepare
    const event = await publishedTestAlert();
    const handler = await loadNotifier();

    // Act
    const result = await handler(event, lambdaContext('signupflow-test-slack-notifier'));

    // Assess
    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(alertsSlack.posts).toHaveLength(1);
    expect(oncallSlack.posts).toHaveLength(0);
    const posted = alertsSlack.posts[0]?.json() as { text: string };
    expect(posted.text).toBe('🧪 Self-test of the alert path: signupflow test. No action needed.');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('logs its delivery with the SNS message id, which verify looks for', async () => {
    // Prepare
    const event = await publishedTestAlert();
    const messageId = event.Records[0]?.Sns.MessageId;
    const handler = await loadNotifier();

    // Act
    await handler(event, lambdaContext('signupflow-test-slack-notifier'));

    // Assess
    expect(messageId).toMatch(/^m-\d+$/);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'INFO',
        message: 'Delivered to Slack',
        kind: 'self-test',
        channel: DEFAULT_CHANNEL,
        messageId,
      }),
    );
  });

  it('still delivers a malformed self-test message, shown as received, and says why in the log', async () => {
    // Prepare
    const event = snsEventOf(
      JSON.stringify({ ...TEST_ALERT, sentAt: 'yesterday' }),
      'f3e1c0a2-0000-4000-8000-00000000000a',
    );
    const handler = await loadNotifier();

    // Act
    const result = await handler(event, lambdaContext('signupflow-test-slack-notifier'));

    // Assess
    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(alertsSlack.posts[0]?.body).toContain('verify-20261208-7f3a9c');
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'Shown in Slack as received, not formatted',
        problem: expect.stringMatching(/^invalid self-test message: sentAt/),
      }),
    );
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'Delivered to Slack',
        messageId: 'f3e1c0a2-0000-4000-8000-00000000000a',
      }),
    );
  });
});
