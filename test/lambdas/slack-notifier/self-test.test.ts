import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SELF_TEST_CHECK_TIMEOUT_MS } from '../../../lambdas/shared/self-test/report';
import { selfTest } from '../../../lambdas/slack-notifier/self-test';
import {
  type AwsStandIn,
  awsJsonError,
  notAuthorized,
  startAwsStandIn,
  type WireAnswer,
} from '../../support/aws-wire';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { answerSecrets, outline, resultFor, stubSelfTestEnv, testSecretArn } from '../../support/self-test';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';
import { type SlackServer, startSlackServer } from '../../support/slack-server';

const ALERTS_SECRET = testSecretArn('slack-webhook-alerts');
const ONCALL_SECRET = testSecretArn('slack-webhook-oncall');
const PLACEHOLDER_SECRET = testSecretArn('slack-webhook-new');
const PLAIN_HTTP_SECRET = testSecretArn('slack-webhook-http');
const DENIED_SECRET = testSecretArn('slack-webhook-denied');
const CLOSED_SECRET = testSecretArn('slack-webhook-closed');
/** What a new webhook secret holds until someone puts the URL in: CDK's generated 32 characters. */
const PLACEHOLDER = 'Jw#9v]Xq0-b^Zr{7K!m2@Pz&8Ty;N4s%';
const DEFAULT_CHANNEL = '#signupflow-alerts-test';
const QUEUE_PATH = '/123456789012/signupflow-test-notifier-dlq';
const secretsManager = mockClient(SecretsManagerClient);

/** SQS's answer to GetQueueAttributes (AWS JSON 1.0). */
const queueAttributes: WireAnswer = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: JSON.stringify({ Attributes: { ApproximateNumberOfMessages: '2' } }),
};

describe("the Slack notifier's self-test: its webhook secrets, the dead-letter queue, Slack and Sentry", () => {
  let alertsSlack: SlackServer;
  let oncallSlack: SlackServer;
  let sqs: AwsStandIn;
  let sqsAnswer: WireAnswer;
  let sentry: SentryStandIn;
  let hung: HungServer | undefined;

  /** The stack's settings: two webhooks by secret (the default channel's, and #oncall's for critical alerts). */
  const stack = (env: Record<string, string | undefined> = {}) =>
    stubSelfTestEnv({
      SLACK_ALERT_CHANNEL: DEFAULT_CHANNEL,
      SLACK_WEBHOOKS: JSON.stringify([
        { channel: DEFAULT_CHANNEL, secretArn: ALERTS_SECRET },
        { channel: '#oncall', severities: ['critical'], secretArn: ONCALL_SECRET },
      ]),
      NOTIFIER_DLQ_URL: `${sqs.url}${QUEUE_PATH}`,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      ...env,
    });
  const oneWebhook = (secretArn: string) => JSON.stringify([{ channel: DEFAULT_CHANNEL, secretArn }]);
  const webhooksPosted = (slack: SlackServer) => slack.posts.filter((post) => post.path === slack.secretPath);

  beforeAll(async () => {
    alertsSlack = await startSlackServer();
    oncallSlack = await startSlackServer();
    sentry = await startSentryStandIn();
    sqs = await startAwsStandIn(() => sqsAnswer);
  });

  beforeEach(async () => {
    sqsAnswer = queueAttributes;
    alertsSlack.posts.length = 0;
    oncallSlack.posts.length = 0;
    answerSecrets(
      secretsManager,
      {
        [ALERTS_SECRET]: alertsSlack.url,
        [ONCALL_SECRET]: { url: oncallSlack.url },
        [PLACEHOLDER_SECRET]: PLACEHOLDER,
        [PLAIN_HTTP_SECRET]: 'http://hooks.slack.com/services/T0SIGNUP/B0ALERTS/abcdefghijklmnopqrstuvwx',
        [CLOSED_SECRET]: `http://127.0.0.1:${await closedPort()}/services/T0SIGNUP/B0ALERTS/x`,
      },
      [DENIED_SECRET],
    );
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await hung?.close();
    hung = undefined;
  });

  afterAll(async () => {
    secretsManager.restore();
    await Promise.all([alertsSlack.close(), oncallSlack.close(), sentry.close(), sqs.close()]);
  });

  it('reports every dependency reached when all is well, posting nothing and naming no webhook URL', async () => {
    // Prepare
    stack({ SENTRY_DSN: sentry.dsn });

    // Act
    const report = await selfTest();

    // Assess
    expect(report.selfTest.function).toBe('slack-notifier');
    expect(outline(report)).toEqual([
      ['Secrets Manager', true],
      ['Secrets Manager', true],
      ['SQS', true],
      ['Slack', true],
      ['Sentry', true],
    ]);
    expect(resultFor(report, 'Secrets Manager', 'slack-webhook-alerts').detail).toBe(
      `${DEFAULT_CHANNEL}: a webhook URL on ${new URL(alertsSlack.url).host}`,
    );
    expect(resultFor(report, 'SQS')).toMatchObject({
      target: 'sqs.eu-west-1.amazonaws.com',
      detail: 'dead-letter queue answers: 2 waiting',
    });
    const [asked] = sqs.requests.slice(-1);
    expect(asked?.headers['x-amz-target']).toBe('AmazonSQS.GetQueueAttributes');
    expect(JSON.parse(asked?.body ?? '{}')).toEqual({
      QueueUrl: `${sqs.url}${QUEUE_PATH}`,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
    expect(webhooksPosted(alertsSlack)).toHaveLength(0);
    expect(webhooksPosted(oncallSlack)).toHaveLength(0);
    const text = JSON.stringify(report);
    expect(text).not.toContain(alertsSlack.secretPath);
    expect(text).not.toContain(oncallSlack.secretPath);
  });

  it("reaches Slack at the host of the default channel's webhook, the one the test alert takes", async () => {
    // Prepare
    stack();

    // Act
    const report = await selfTest();

    // Assess
    expect(resultFor(report, 'Slack')).toMatchObject({
      ok: true,
      detail: `${new URL(alertsSlack.url).host}: reachable, HTTP 404`,
    });
    expect(alertsSlack.posts.map((post) => post.path)).toEqual(['/']);
    expect(oncallSlack.posts).toHaveLength(0);
  });

  it('reaches Slack at the host of SLACK_WEBHOOK_URL when run locally, with no secret to check', async () => {
    stack({ SLACK_WEBHOOKS: undefined, SLACK_WEBHOOK_URL: oncallSlack.url });

    const report = await selfTest();

    expect(outline(report)).toEqual([
      ['SQS', true],
      ['Slack', true],
    ]);
    expect(oncallSlack.posts.map((post) => post.path)).toEqual(['/']);
  });

  it('fails Slack as config when no webhook is configured at all', async () => {
    stack({ SLACK_WEBHOOKS: undefined, SLACK_WEBHOOK_URL: undefined });

    const report = await selfTest();

    expect(resultFor(report, 'Slack')).toMatchObject({
      ok: false,
      failure: { kind: 'config', message: 'no webhook configured: set SLACK_WEBHOOKS or SLACK_WEBHOOK_URL' },
    });
  });

  it('fails a webhook secret that still holds its placeholder as config, without showing the placeholder', async () => {
    // Prepare
    stack({ SLACK_WEBHOOKS: oneWebhook(PLACEHOLDER_SECRET) });

    // Act
    const report = await selfTest();

    // Assess
    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: {
        kind: 'config',
        message: `the webhook secret of ${DEFAULT_CHANNEL} holds no webhook URL yet (the placeholder it was created with)`,
      },
    });
    expect(resultFor(report, 'Slack')).toMatchObject({ ok: false, failure: { kind: 'config' } });
    expect(JSON.stringify(report)).not.toContain(PLACEHOLDER);
  });

  it('fails a webhook secret holding a plain http URL as config', async () => {
    stack({ SLACK_WEBHOOKS: oneWebhook(PLAIN_HTTP_SECRET) });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: { kind: 'config', message: `the webhook secret of ${DEFAULT_CHANNEL} is not an https URL` },
    });
  });

  it('fails a webhook secret IAM refuses as denied, on its own line and on the Slack line', async () => {
    stack({ SLACK_WEBHOOKS: oneWebhook(DENIED_SECRET) });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({
      ok: false,
      failure: { kind: 'denied', code: 'AccessDeniedException' },
    });
    expect(resultFor(report, 'Slack')).toMatchObject({ ok: false, failure: { kind: 'denied' } });
  });

  it('fails Slack as refused when its webhook host takes no connection', async () => {
    stack({ SLACK_WEBHOOKS: oneWebhook(CLOSED_SECRET) });

    const report = await selfTest();

    expect(resultFor(report, 'Slack')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
    expect(resultFor(report, 'Secrets Manager').ok).toBe(true);
  });

  it('fails every webhook as config when SLACK_WEBHOOKS is unreadable', async () => {
    stack({ SLACK_WEBHOOKS: '[{"channel": "alerts"' });

    const report = await selfTest();

    expect(resultFor(report, 'Secrets Manager')).toMatchObject({ ok: false, failure: { kind: 'config' } });
    expect(resultFor(report, 'Slack')).toMatchObject({ ok: false, failure: { kind: 'config' } });
  });

  it('fails the dead-letter queue as denied when IAM refuses GetQueueAttributes', async () => {
    sqsAnswer = awsJsonError(
      '1.0',
      400,
      'com.amazon.coral.service#AccessDeniedException',
      notAuthorized(
        'sqs:getqueueattributes',
        'arn:aws:sqs:eu-west-1:123456789012:signupflow-test-notifier-dlq',
      ),
      { 'x-amzn-query-error': 'AccessDenied;Sender' },
    );
    stack();

    const report = await selfTest();

    expect(resultFor(report, 'SQS')).toMatchObject({ ok: false, failure: { kind: 'denied' } });
  });

  it('fails the dead-letter queue as missing when it does not exist', async () => {
    sqsAnswer = awsJsonError(
      '1.0',
      400,
      'com.amazonaws.sqs#QueueDoesNotExist',
      'The specified queue does not exist.',
      {
        'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
      },
    );
    stack();

    const report = await selfTest();

    expect(resultFor(report, 'SQS')).toMatchObject({ ok: false, failure: { kind: 'missing' } });
  });

  it('fails the dead-letter queue as config when NOTIFIER_DLQ_URL is not set', async () => {
    stack({ NOTIFIER_DLQ_URL: undefined });

    const report = await selfTest();

    expect(resultFor(report, 'SQS')).toMatchObject({
      ok: false,
      failure: { kind: 'config', message: 'NOTIFIER_DLQ_URL is not set' },
    });
  });

  it('fails the dead-letter queue as a timeout within the deadline when SQS accepts and never answers', async () => {
    // Prepare
    hung = await startHungServer();
    const endpoint = `http://127.0.0.1:${hung.port}`;
    stack({ AWS_ENDPOINT_URL_SQS: endpoint, NOTIFIER_DLQ_URL: `${endpoint}${QUEUE_PATH}` });

    // Act
    const report = await selfTest();

    // Assess
    const result = resultFor(report, 'SQS');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(result.ms).toBeLessThan(SELF_TEST_CHECK_TIMEOUT_MS);
  });

  it('fails Sentry as refused when its host takes no connection', async () => {
    stack({ SENTRY_DSN: `http://publickey@127.0.0.1:${await closedPort()}/1` });

    const report = await selfTest();

    expect(resultFor(report, 'Sentry')).toMatchObject({ ok: false, failure: { kind: 'refused' } });
  });
});
