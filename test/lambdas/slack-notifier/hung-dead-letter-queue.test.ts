import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_WORST_CASE_MS } from '../../../lambdas/slack-notifier/dead-letter-queue';
import { type HungServer, startHungServer } from '../../support/hung-server';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { type SlackServer, startSlackServer } from '../../support/slack-server';
import { closedByClient } from '../../support/socket-waits';
import { snsEvent } from './fixtures';

/** The Lambda timeout the test gives the notifier: 3 s of Slack retries, then the 6 s kept back. */
const FUNCTION_TIMEOUT_MS = 9_000;

describe('the notifier when Slack and the dead-letter queue both accept connections and never answer', () => {
  let slack: SlackServer;
  let sqs: HungServer;
  let output: CapturedOutput;
  let handler: typeof import('../../../lambdas/slack-notifier/handler').handler;

  beforeAll(async () => {
    slack = await startSlackServer(Array.from({ length: 20 }, () => 'never-answer' as const));
    sqs = await startHungServer();
    vi.resetModules();
    for (const [name, value] of Object.entries({
      POWERTOOLS_SERVICE_NAME: 'signupflow',
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      METRICS_FLUSH_INTERVAL_SECONDS: '0',
      STAGE: 'test',
      SLACK_ALERT_CHANNEL: '#signupflow-alerts-test',
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_REQUEST_TIMEOUT_MS: '300',
      NOTIFIER_DLQ_URL: `http://127.0.0.1:${sqs.port}/123456789012/signupflow-test-notifier-dlq`,
      AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${sqs.port}`,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      SENTRY_DSN: '',
    }))
      vi.stubEnv(name, value);
    ({ handler } = await import('../../../lambdas/slack-notifier/handler'));
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    vi.unstubAllEnvs();
    await slack.close();
    await sqs.close();
  });

  it('ends within its budget, failing the invocation so that it is retried, and logs both failures', async () => {
    // Prepare
    const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
    const context: Context = {
      ...lambdaContext('signupflow-test-slack-notifier'),
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    // Act
    const startedAt = performance.now();
    const outcome = await handler(snsEvent('evaluator-critical-firing'), context).then(
      () => undefined,
      (error: Error) => error,
    );
    const elapsedMs = performance.now() - startedAt;
    // Assess
    expect(outcome?.message).toMatch(
      /^1 message\(s\) neither delivered nor dead-lettered: not delivered \(timeout, no response within 300 ms\); the dead-letter queue refused the message \(TimeoutError/,
    );
    expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
    expect(sqs.connections).toBe(2);
    await closedByClient(sqs);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Neither delivered to Slack nor kept in the dead-letter queue',
        reason: 'timeout',
        detail: 'no response within 300 ms',
        deadLetterError: expect.stringContaining('TimeoutError'),
      }),
    );
    expect(DEAD_LETTER_WORST_CASE_MS).toBeLessThanOrEqual(5_000);
  });
});
