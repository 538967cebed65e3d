import { createHash } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AWS_CALL_BUDGETS } from '../../../lambdas/shared/deadlines';
import {
  DEAD_LETTER_WORST_CASE_MS,
  MAX_DEAD_LETTER_BYTES,
  serialise,
} from '../../../lambdas/slack-notifier/dead-letter-queue';
import type { DeadLetter } from '../../../lambdas/slack-notifier/notify';
import { startAwsFaultStandIn } from '../../support/aws-fault-stand-in';
import { closedPort, startHungServer } from '../../support/hung-server';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { type SlackServer, startSlackServer } from '../../support/slack-server';
import { closedByClient } from '../../support/socket-waits';
import { snsEvent } from './fixtures';

/** The Lambda timeout the tests give the notifier: 3 s of Slack retries, then the 6 s kept back. */
const FUNCTION_TIMEOUT_MS = 9_000;

/**
 * The notifier when Slack does not take a message and the dead-letter queue fails too: the invocation fails
 * within its budget, so that Lambda retries it, and the log says both why Slack and why the queue did not
 * take it.
 */
describe('the notifier when the dead-letter queue fails as well', () => {
  let slack: SlackServer;
  let output: CapturedOutput;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    slack = await startSlackServer(Array.from({ length: 100 }, () => 'never-answer' as const));
  });
  afterAll(() => slack.close());
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(async () => {
    output.restore();
    vi.unstubAllEnvs();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  /** One SNS event through a fresh Lambda environment whose dead-letter queue is at `sqsEndpoint`. */
  async function notify(sqsEndpoint: string) {
    vi.resetModules();
    for (const [name, value] of Object.entries({
      POWERTOOLS_SERVICE_NAME: 'signupflow',
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      METRICS_FLUSH_INTERVAL_SECONDS: '0',
      STAGE: 'test',
      SLACK_ALERT_CHANNEL: '#signupflow-alerts-test',
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_REQUEST_TIMEOUT_MS: '300',
      NOTIFIER_DLQ_URL: `${sqsEndpoint}/123456789012/signupflow-test-notifier-dlq`,
      AWS_ENDPOINT_URL_SQS: sqsEndpoint,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      SENTRY_DSN: '',
    }))
      vi.stubEnv(name, value);
    const { handler } = await import('../../../lambdas/slack-notifier/handler');
    const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
    const context: Context = {
      ...lambdaContext('signupflow-test-slack-notifier'),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    const startedAt = performance.now();
    const outcome = await handler(snsEvent('evaluator-critical-firing'), context).then(
      (result) => ({ result, error: undefined }),
      (error: Error) => ({ result: undefined, error }),
    );
    return { ...outcome, elapsedMs: performance.now() - startedAt };
  }

  /** The log line of a message neither delivered nor dead-lettered, with the queue's refusal. */
  const bothFailures = (queueRefusal: string) =>
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Neither delivered to Slack nor kept in the dead-letter queue',
        reason: 'timeout',
        detail: 'no response within 300 ms',
        deadLetterError: expect.stringContaining(queueRefusal),
      }),
    );

  it('fails the invocation at once when nothing listens at the queue', async () => {
    // Act
    const { error, elapsedMs } = await notify(`http://127.0.0.1:${await closedPort()}`);
    // Assess
    expect(error?.message).toMatch(/^1 message\(s\) neither delivered nor dead-lettered: .*ECONNREFUSED/);
    expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
    bothFailures('ECONNREFUSED');
  });

  it('ends within its budget when the queue accepts and never answers, having closed its requests', async () => {
    // Prepare
    const hung = await startHungServer();
    cleanups.push(() => hung.close());
    // Act
    const { error, elapsedMs } = await notify(`http://127.0.0.1:${hung.port}`);
    // Assess
    expect(error?.message).toMatch(
      /^1 message\(s\) neither delivered nor dead-lettered: not delivered \(timeout, no response within 300 ms\); the dead-letter queue refused the message \(TimeoutError/,
    );
    expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
    expect(hung.connections).toBe(AWS_CALL_BUDGETS.deadLetterQueue.maxAttempts);
    await closedByClient(hung);
    bothFailures('TimeoutError');
    expect(DEAD_LETTER_WORST_CASE_MS).toBeLessThanOrEqual(5_000);
  });

  it.each([
    [500, 'InternalError'],
    [400, 'ThrottlingException'],
  ])('fails the invocation after the SDK retried a %i %s', async (status, code) => {
    // Prepare
    const failing = await startAwsFaultStandIn({ error: { status, code, message: 'try again later' } });
    cleanups.push(() => failing.close());
    // Act
    const { error, elapsedMs } = await notify(failing.url);
    // Assess
    expect(error?.message).toContain('the dead-letter queue refused the message');
    expect(failing.requests).toBe(AWS_CALL_BUDGETS.deadLetterQueue.maxAttempts);
    expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
    bothFailures('try again later');
  });

  it('keeps the message when the queue answers late but within its budget', async () => {
    // Prepare: SendMessage answered after 1 s, with the body's MD5 as SQS gives it
    const slow = await startAwsFaultStandIn(
      {
        json: ({ body }) => ({
          MessageId: 'dlq-1',
          MD5OfMessageBody: createHash('md5').update(String(body.MessageBody)).digest('hex'),
        }),
      },
      1_000,
    );
    cleanups.push(() => slow.close());
    // Act
    const { result, elapsedMs } = await notify(slow.url);
    // Assess
    expect(result).toEqual({ delivered: 0, skipped: 0, deadLettered: 1 });
    expect(slow.requests).toBe(1);
    expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
  });
});

describe('a dead letter SQS could not hold as JSON', () => {
  it('keeps the original message as base64 when escaping grows it past 1 MiB, byte for byte', () => {
    // Prepare: 250 KB of control characters, each escaped to six in JSON
    const message = '\u0001'.repeat(250_000);
    const letter: DeadLetter = {
      reason: 'timeout',
      permanent: false,
      attempts: 3,
      failedAt: '2026-11-30T10:00:00.000Z',
      original: {
        messageId: 'm-1',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:signupflow-test-alerts',
        message,
        timestamp: '2026-11-30T10:00:00.000Z',
        messageAttributes: {},
      },
    };
    // Act
    const body = serialise(letter);
    // Assess
    expect(Buffer.byteLength(JSON.stringify(letter))).toBeGreaterThan(MAX_DEAD_LETTER_BYTES);
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    const kept = JSON.parse(body) as { original: { messageBase64: string; message?: string } };
    expect(kept.original.message).toBeUndefined();
    expect(Buffer.from(kept.original.messageBase64, 'base64').toString('utf8')).toBe(message);
  });
});
