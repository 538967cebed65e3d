import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_WORST_CASE_MS } from '../../../lambdas/slack-notifier/dead-letter-queue';
import type { DeadLetter } from '../../../lambdas/slack-notifier/notify';
import { SECRETS } from '../../fixtures/secrets';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { OK, type SlackReply, type SlackServer, startSlackServer } from '../../support/slack-server';
import { snsEvent } from './fixtures';

type Handler = typeof import('../../../lambdas/slack-notifier/handler')['handler'];

const DLQ_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/signupflow-test-notifier-dlq';
const sqs = mockClient(SQSClient);
const secretsManager = mockClient(SecretsManagerClient);

/** A context whose remaining time runs down like Lambda's. */
function contextWithTimeout(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    ...lambdaContext('signupflow-test-slack-notifier'),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

/** The handler as a fresh Lambda environment with `env` would load it. */
async function loadHandler(env: Record<string, string>): Promise<Handler> {
  vi.resetModules();
  const defaults = {
    POWERTOOLS_SERVICE_NAME: 'signupflow',
    POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
    METRICS_FLUSH_INTERVAL_SECONDS: '0',
    STAGE: 'test',
    SLACK_ALERT_CHANNEL: '#signupflow-alerts-test',
    NOTIFIER_DLQ_URL: DLQ_URL,
    SENTRY_DSN: '',
    AWS_REGION: 'eu-west-1',
  };
  for (const [name, value] of Object.entries({ ...defaults, ...env })) vi.stubEnv(name, value);
  return (await import('../../../lambdas/slack-notifier/handler')).handler;
}

function deadLetters(): DeadLetter[] {
  return sqs.commandCalls(SendMessageCommand).map((call) => {
    expect(call.args[0].input.QueueUrl).toBe(DLQ_URL);
    return JSON.parse(call.args[0].input.MessageBody ?? '') as DeadLetter;
  });
}

function metricValues(
  output: CapturedOutput,
  name: string,
): { value: unknown; dimensions: Record<string, unknown> }[] {
  return output
    .emf()
    .filter((document) => name in document)
    .map((document) => ({ value: document[name], dimensions: document }));
}

describe('the Slack notifier against a Slack stand-in', () => {
  let slack: SlackServer | undefined;
  let output: CapturedOutput;

  beforeEach(() => {
    sqs.reset();
    secretsManager.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    output = captureOutput();
  });

  afterEach(async () => {
    output.restore();
    await slack?.close();
    slack = undefined;
    vi.unstubAllEnvs();
  });

  it('posts an alert once when Slack answers ok, and queues nothing', async () => {
    // Prepare
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    // Act
    const result = await handler(snsEvent('evaluator-critical-firing'), contextWithTimeout(30_000));

    // Assess
    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(slack.posts).toHaveLength(1);
    const payload = slack.posts[0]?.json() as {
      text: string;
      blocks: unknown[];
      attachments: { color: string }[];
    };
    expect(payload.text).toMatch(/^🚨 CRITICAL: High error rate: error_rate is 12\.5%/);
    expect(payload.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '🚨 CRITICAL: High error rate', emoji: true },
    });
    expect(payload.attachments[0]?.color).toBe('#D00000');
    expect(slack.posts[0]?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(output.records()).toContainEqual(
      expect.objectContaining({ level: 'INFO', message: 'Delivered to Slack', kind: 'alert', attempts: 1 }),
    );
    expect(metricValues(output, 'slack_notifications_total')).toContainEqual({
      value: 1,
      dimensions: expect.objectContaining({ outcome: 'delivered', kind: 'alert' }),
    });
  });

  it('waits Retry-After on 429 and posts once more', async () => {
    slack = await startSlackServer([
      { status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } },
      OK,
    ]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    const result = await handler(snsEvent('cloudwatch-alarm'), contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(slack.posts).toHaveLength(2);
    const [first, second] = slack.posts;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(995);
    expect(second?.body).toBe(first?.body);
    expect(metricValues(output, 'slack_delivery_retries_total')).toContainEqual({
      value: 1,
      dimensions: expect.objectContaining({ cause: 'rate_limited' }),
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('retries 500 twice with backoff and delivers on the third post', async () => {
    slack = await startSlackServer([
      { status: 500, body: 'internal_error' },
      { status: 503, body: 'service_unavailable' },
      OK,
    ]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    const result = await handler(snsEvent('evaluator-warning-firing'), contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(slack.posts).toHaveLength(3);
    expect(output.records()).toContainEqual(
      expect.objectContaining({ message: 'Delivered to Slack', attempts: 3 }),
    );
    expect(output.records().filter((record) => record.message === 'Retrying Slack delivery')).toHaveLength(2);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('posts again when Slack answers after the request timeout: the message may show twice, never not at all', async () => {
    // Prepare: Slack takes the first post but answers it 500 ms late, past the 300 ms each attempt has
    slack = await startSlackServer([{ status: 200, body: 'ok', delayMs: 500 }, OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url, SLACK_REQUEST_TIMEOUT_MS: '300' });

    // Act
    const result = await handler(snsEvent('evaluator-critical-firing'), contextWithTimeout(30_000));

    // Assess
    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]?.body).toBe(slack.posts[0]?.body);
    expect(metricValues(output, 'slack_delivery_retries_total')).toContainEqual({
      value: 1,
      dimensions: expect.objectContaining({ cause: 'timeout' }),
    });
  });

  it('gives up on a server that never answers before the Lambda timeout, and queues the message', async () => {
    // Prepare: 300 ms per attempt; a 9 s timeout leaves a 3 s delivery budget after the 6 s kept back for the
    // dead-letter send (at worst 5 s) and the metric flush.
    slack = await startSlackServer([
      'never-answer',
      'never-answer',
      'never-answer',
      'never-answer',
      'never-answer',
    ]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url, SLACK_REQUEST_TIMEOUT_MS: '300' });
    const event = snsEvent('evaluator-critical-firing');
    const startedAt = Date.now();

    // Act
    const result = await handler(event, contextWithTimeout(9_000));

    // Assess
    const elapsed = Date.now() - startedAt;
    expect(result).toEqual({ delivered: 0, skipped: 0, deadLettered: 1 });
    expect(slack.posts.length).toBeGreaterThanOrEqual(2);
    expect(elapsed).toBeLessThan(9_000 - DEAD_LETTER_WORST_CASE_MS);
    const [letter] = deadLetters();
    expect(letter).toMatchObject({
      reason: 'timeout',
      permanent: false,
      attempts: slack.posts.length,
      // 300 ms an attempt, the last one cut to what the deadline leaves on a loaded machine
      detail: expect.stringMatching(/^no response within \d+ ms$/),
      kind: 'alert',
      channel: '#signupflow-alerts-test',
      original: {
        messageId: event.Records[0]?.Sns.MessageId,
        topicArn: event.Records[0]?.Sns.TopicArn,
        message: event.Records[0]?.Sns.Message,
        messageAttributes: event.Records[0]?.Sns.MessageAttributes,
      },
    });
    expect(
      sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes?.reason?.StringValue,
    ).toBe('timeout');
    expect(metricValues(output, 'slack_notifications_total')).toContainEqual({
      value: 1,
      dimensions: expect.objectContaining({ outcome: 'dead_lettered', kind: 'alert' }),
    });
  });

  it.each([
    [404, 'no_service'],
    [400, 'invalid_payload'],
    [404, 'channel_not_found'],
    [403, 'invalid_token'],
    [410, 'channel_is_archived'],
  ])(
    'does not retry %i %s: the message goes to the dead-letter queue with Slack’s error',
    async (status, slackError) => {
      slack = await startSlackServer([{ status, body: slackError }]);
      const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });
      const event = snsEvent('cloudwatch-alarm');

      const result = await handler(event, contextWithTimeout(30_000));

      expect(result).toEqual({ delivered: 0, skipped: 0, deadLettered: 1 });
      expect(slack.posts).toHaveLength(1);
      expect(deadLetters()).toEqual([
        {
          reason: 'rejected',
          permanent: true,
          slackError,
          status,
          attempts: 1,
          kind: 'alarm',
          channel: '#signupflow-alerts-test',
          failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          original: expect.objectContaining({ message: event.Records[0]?.Sns.Message }),
        },
      ]);
      expect(
        sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes?.slackError?.StringValue,
      ).toBe(slackError);
      expect(output.records()).toContainEqual(
        expect.objectContaining({
          level: 'ERROR',
          message: 'Not delivered to Slack: kept in the dead-letter queue',
          reason: 'rejected',
          slackError,
          status,
        }),
      );
    },
  );

  it("logs and queues Slack's answer without the piece of the webhook's path it echoes", async () => {
    const script: SlackReply[] = [];
    slack = await startSlackServer(script);
    const [, , team, channel, token] = slack.secretPath.split('/');
    script.push({ status: 404, body: `no_service for ${channel}/${token} (team ${team})` });
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    await handler(snsEvent('cloudwatch-alarm'), contextWithTimeout(30_000));

    const queued = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    const everything = `${output.text()}\n${queued?.MessageBody}\n${JSON.stringify(queued?.MessageAttributes)}`;
    for (const part of [team, channel, token, token?.slice(0, 8), token?.slice(-8)]) {
      expect(everything).not.toContain(part);
    }
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'Not delivered to Slack: kept in the dead-letter queue',
        slackError: 'no_service for [REDACTED]/[REDACTED] (team [REDACTED])',
      }),
    );
  });

  it('fails the invocation when the dead-letter queue refuses the message too, so that it is retried', async () => {
    slack = await startSlackServer([{ status: 404, body: 'no_service' }]);
    sqs.on(SendMessageCommand).rejects(Object.assign(new Error('KMS key disabled'), { name: 'KmsDisabled' }));
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    await expect(handler(snsEvent('cloudwatch-alarm'), contextWithTimeout(30_000))).rejects.toThrow(
      '1 message(s) neither delivered nor dead-lettered: not delivered (rejected, status 404, Slack error no_service); the dead-letter queue refused the message (KmsDisabled: KMS key disabled)',
    );

    expect(sqs.commandCalls(SendMessageCommand).length).toBeGreaterThanOrEqual(1);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Neither delivered to Slack nor kept in the dead-letter queue',
        reason: 'rejected',
        status: 404,
        slackError: 'no_service',
        kind: 'alarm',
        deadLetterError: 'the dead-letter queue refused the message (KmsDisabled: KMS key disabled)',
      }),
    );
    expect(metricValues(output, 'slack_notifications_total')).toContainEqual({
      value: 1,
      dimensions: expect.objectContaining({ outcome: 'unqueued' }),
    });
  });

  it('delivers malformed JSON as a fallback message', async () => {
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    const result = await handler(snsEvent('malformed-json'), contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    const payload = slack.posts[0]?.json() as { blocks: { text: { text: string } }[] };
    expect(payload.blocks[0]?.text.text).toBe('📨 Message on signupflow-production-alerts');
    expect(slack.posts[0]?.body).not.toContain('hunter2');
  });

  it('posts JSON nested 2,000 levels deep as text, and logs why it was not formatted', async () => {
    // Prepare
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });
    const event = snsEvent('unknown-json');
    const sns = event.Records[0]?.Sns;
    if (sns) sns.Message = `${'{"a":'.repeat(2_000)}"password=${SECRETS.password}"${'}'.repeat(2_000)}`;

    // Act
    const result = await handler(event, contextWithTimeout(30_000));

    // Assess
    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    expect(slack.posts[0]?.body).toContain('{\\"a\\":{\\"a\\":');
    expect(slack.posts[0]?.body).not.toContain(SECRETS.password);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'Shown in Slack as received, not formatted',
        problem: 'JSON nested deeper than 20 levels',
      }),
    );
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('posts an alarm without AlarmArn as an alarm, linked to the console of its region', async () => {
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    const result = await handler(
      snsEvent('cloudwatch-alarm-no-arn-eu-dash-ireland'),
      contextWithTimeout(30_000),
    );

    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
    const body = slack.posts[0]?.body ?? '';
    expect(body).toContain('"text":"🔴 ALARM: signupflow-production-api-errors"');
    expect(body).toContain(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/',
    );
    expect(body).not.toMatch(/AlarmArn|Invalid input/);
    expect(output.records()).toContainEqual(
      expect.objectContaining({ message: 'Delivered to Slack', kind: 'alarm' }),
    );
  });

  it('queues a record that is not an SNS notification, and still delivers the rest of the batch', async () => {
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });
    const broken = snsEvent('not-sns').Records[0];
    const good = snsEvent('plain-text').Records[0];

    const result = await handler({ Records: [broken, good] }, contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 1, skipped: 0, deadLettered: 1 });
    expect(slack.posts).toHaveLength(1);
    expect(deadLetters()).toEqual([
      expect.objectContaining({
        reason: 'unprocessable',
        permanent: true,
        attempts: 0,
        detail: expect.stringMatching(/^not an SNS notification \(Sns/),
        original: { record: broken },
      }),
    ]);
  });

  it('leaves an alert that asked for e-mail only to the e-mail subscription', async () => {
    slack = await startSlackServer([OK]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });

    const result = await handler(snsEvent('evaluator-email-only'), contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 0, skipped: 1, deadLettered: 0 });
    expect(slack.posts).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('writes neither the webhook URL nor a secret from a message to stdout or stderr', async () => {
    // Prepare: a retried post, a rejected post, and messages that carry secrets.
    slack = await startSlackServer([{ status: 500, body: 'oops' }, OK, { status: 404, body: 'no_service' }]);
    const handler = await loadHandler({ SLACK_WEBHOOK_URL: slack.url });
    const leaky = snsEvent('plain-text');
    const sns = leaky.Records[0]?.Sns;
    if (sns) {
      sns.Message = `Login failed: password=${SECRETS.password} token: ${SECRETS.bearerToken} hook ${SECRETS.slackWebhookUrl}`;
      sns.Subject = `Bearer ${SECRETS.bearerToken}`;
    }

    // Act
    await handler(leaky, contextWithTimeout(30_000));
    await handler(leaky, contextWithTimeout(30_000));

    // Assess
    expect(slack.posts).toHaveLength(3);
    expect(deadLetters()).toHaveLength(1);
    const text = output.text();
    expect(text).toContain('Retrying Slack delivery');
    expect(text).toContain('Not delivered to Slack');
    for (const secret of [
      slack.url,
      slack.secretPath,
      SECRETS.password,
      SECRETS.bearerToken,
      SECRETS.slackWebhookUrl,
    ]) {
      expect(text).not.toContain(secret);
    }
    for (const post of slack.posts) {
      for (const secret of [SECRETS.password, SECRETS.bearerToken, SECRETS.slackWebhookUrl])
        expect(post.body).not.toContain(secret);
    }
  });
});

describe('webhooks from Secrets Manager', () => {
  let alerts: SlackServer;
  let oncall: SlackServer;
  let output: CapturedOutput;
  const arn = (name: string) =>
    `arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/test/${name}-AbC123`;

  beforeEach(async () => {
    sqs.reset();
    secretsManager.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
    alerts = await startSlackServer();
    oncall = await startSlackServer();
    output = captureOutput();
  });

  afterEach(async () => {
    output.restore();
    await alerts.close();
    await oncall.close();
    vi.unstubAllEnvs();
  });

  it('routes by severity to the webhook in each secret, reading each secret once', async () => {
    // Prepare
    const alertsArn = arn(`alerts-${Date.now()}`);
    const oncallArn = arn(`oncall-${Date.now()}`);
    secretsManager.on(GetSecretValueCommand, { SecretId: alertsArn }).resolves({ SecretString: alerts.url });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: oncallArn })
      .resolves({ SecretString: JSON.stringify({ url: oncall.url }) });
    const handler = await loadHandler({
      SLACK_ALERT_CHANNEL: '#signupflow-alerts',
      SLACK_WEBHOOKS: JSON.stringify([
        { channel: '#signupflow-alerts', severities: ['warning', 'info'], secretArn: alertsArn },
        { channel: '#signupflow-oncall', severities: ['critical'], secretArn: oncallArn },
      ]),
    });

    // Act
    for (const fixture of [
      'evaluator-critical-firing',
      'evaluator-warning-firing',
      'cloudwatch-alarm',
      'evaluator-info-resolved',
    ]) {
      await handler(snsEvent(fixture), contextWithTimeout(30_000));
    }

    // Assess
    expect(oncall.posts.map((post) => (post.json() as { text: string }).text.slice(0, 12))).toEqual([
      '🚨 CRITICAL:',
      '🔴 ALARM: si',
    ]);
    expect(alerts.posts).toHaveLength(2);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(output.text()).not.toContain(alerts.secretPath);
    expect(output.text()).not.toContain(oncall.secretPath);
  });

  it('queues the message when the secret still holds its generated placeholder, without showing the secret', async () => {
    const placeholderArn = arn(`placeholder-${Date.now()}`);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: 'q7Vd!x9Zr2LpWm4TgY8sKb3NcF6hJ0Ue' });
    const handler = await loadHandler({
      SLACK_WEBHOOKS: JSON.stringify([{ channel: '#signupflow-alerts-test', secretArn: placeholderArn }]),
    });

    const result = await handler(snsEvent('evaluator-info-firing'), contextWithTimeout(30_000));

    expect(result).toEqual({ delivered: 0, skipped: 0, deadLettered: 1 });
    const [letter] = sqs
      .commandCalls(SendMessageCommand)
      .map((call) => JSON.parse(call.args[0].input.MessageBody ?? '{}'));
    expect(letter).toMatchObject({
      reason: 'webhook_unavailable',
      detail:
        'the webhook secret of #signupflow-alerts-test does not hold a webhook URL yet (see the runbook: "Set or rotate a webhook")',
    });
    expect(output.text()).not.toContain('q7Vd!x9Zr2LpWm4TgY8sKb3NcF6hJ0Ue');
  });
});
