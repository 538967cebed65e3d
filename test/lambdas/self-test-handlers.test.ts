import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SelfTestReport } from '../../lambdas/shared/self-test/report';
import { closedPort } from '../support/hung-server';
import { httpApiEvent, lambdaContext, scheduledEvent } from '../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../support/output';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { stubSelfTestEnv } from '../support/self-test';
import { type SlackServer, startSlackServer } from '../support/slack-server';
import {
  cloudWatchWireStandIn,
  snsWireStandIn,
  type WireStandIn,
} from './alert-evaluator/aws-wire-stand-ins';
import { TOPIC_ARN } from './alert-evaluator/evaluator-harness';
import { snsEvent } from './slack-notifier/fixtures';

const HANDLERS = {
  api: () => import('../../lambdas/api/handler'),
  health: () => import('../../lambdas/health/handler'),
  'metrics-exporter': () => import('../../lambdas/metrics-exporter/handler'),
  'alert-evaluator': () => import('../../lambdas/alert-evaluator/handler'),
  'slack-notifier': () => import('../../lambdas/slack-notifier/handler'),
  'schema-migrator': () => import('../../lambdas/schema-migrator/handler'),
};
type FunctionDir = keyof typeof HANDLERS;
type AnyHandler = (event: unknown, context: Context) => Promise<unknown>;

const SELF_TEST = { selfTest: {} };
/** What verify would never send, but a hand-made invoke might: an id that breaks the event's schema. */
const MALFORMED_SELF_TEST = { selfTest: { testAlertId: 'Run 1 by hand' } };

/** The function's handler as a fresh Lambda environment with `env` loads it (handlers read env at import). */
async function loadHandler(
  folder: FunctionDir,
  env: Record<string, string | undefined>,
): Promise<AnyHandler> {
  vi.resetModules();
  stubSelfTestEnv({ METRICS_FLUSH_INTERVAL_SECONDS: '0', HEALTH_CACHE_SECONDS: '0', ...env });
  return (await HANDLERS[folder]()).handler as AnyHandler;
}

function asReport(answer: unknown): SelfTestReport['selfTest'] {
  return (answer as SelfTestReport).selfTest;
}

describe('each handler answers a self-test event with its report, and its usual events as before', () => {
  let database: TestDatabase;
  let output: CapturedOutput;
  const context = (folder: FunctionDir) => lambdaContext(`signupflow-test-${folder}`);

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  beforeEach(() => {
    output = captureOutput();
  });

  afterEach(() => {
    output.restore();
    vi.unstubAllEnvs();
  });

  afterAll(async () => {
    const { lambdaDatabase } = await import('../../lambdas/shared/lambda-database');
    await (await lambdaDatabase().catch(() => undefined))?.end();
    await database.drop();
  });

  describe('the API', () => {
    const env = () => ({ DATABASE_URL: database.url });

    it('answers a self-test event with its report', async () => {
      const handler = await loadHandler('api', env());

      const answer = await handler(SELF_TEST, context('api'));

      expect(asReport(answer)).toMatchObject({
        function: 'api',
        checks: [{ dependency: 'Postgres', ok: true }],
      });
    });

    it('answers an HTTP request with its response, not a report', async () => {
      const handler = await loadHandler('api', env());

      const answer = (await handler(
        httpApiEvent('GET /api/events', { query: { organization_id: 'org-empty' } }),
        context('api'),
      )) as Record<string, unknown>;

      expect(answer).toMatchObject({ statusCode: 200 });
      expect(answer).not.toHaveProperty('selfTest');
    });

    it('refuses a malformed self-test event with an error instead of routing it', async () => {
      const handler = await loadHandler('api', env());

      await expect(handler(MALFORMED_SELF_TEST, context('api'))).rejects.toThrow(/^Invalid self-test event/);
    });
  });

  describe('the health check', () => {
    const env = () => ({ DATABASE_URL: database.url, REDIS_URL: 'redis://127.0.0.1:6379' });

    it('answers a self-test event with its report', async () => {
      const handler = await loadHandler('health', env());

      const answer = await handler(SELF_TEST, context('health'));

      expect(asReport(answer)).toMatchObject({
        function: 'health',
        checks: [
          { dependency: 'Postgres', ok: true },
          { dependency: 'Redis', ok: true },
        ],
      });
    });

    it('answers GET /live and its schedule as before, not with a report', async () => {
      const handler = await loadHandler('health', env());

      const live = await handler(httpApiEvent('GET /live'), context('health'));
      const scheduled = await handler(scheduledEvent(), context('health'));

      expect(live).toMatchObject({ statusCode: 200 });
      expect(scheduled).toMatchObject({ status: 'healthy' });
      expect(scheduled).not.toHaveProperty('selfTest');
    });

    it('refuses a malformed self-test event with an error', async () => {
      const handler = await loadHandler('health', env());

      await expect(handler(MALFORMED_SELF_TEST, context('health'))).rejects.toThrow(
        /^Invalid self-test event/,
      );
    });
  });

  describe('the metrics exporter', () => {
    const env = () => ({
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_TOKEN: 'Zq8mW3vN5tY7pL2kR9sD4fG6hJ1xC0bA',
    });

    it('answers a self-test event with its report', async () => {
      const handler = await loadHandler('metrics-exporter', env());

      const answer = await handler(SELF_TEST, context('metrics-exporter'));

      expect(asReport(answer)).toMatchObject({
        function: 'metrics-exporter',
        checks: [{ dependency: 'Redis' }],
      });
    });

    it('answers a scrape as before: without the token, 401', async () => {
      const handler = await loadHandler('metrics-exporter', env());

      const answer = await handler(httpApiEvent('GET /metrics'), context('metrics-exporter'));

      expect(answer).toMatchObject({ statusCode: 401 });
    });

    it('refuses a malformed self-test event with an error', async () => {
      const handler = await loadHandler('metrics-exporter', env());

      await expect(handler(MALFORMED_SELF_TEST, context('metrics-exporter'))).rejects.toThrow(
        /^Invalid self-test event/,
      );
    });
  });

  describe('the alert evaluator', () => {
    let cloudwatch: WireStandIn;
    let sns: WireStandIn;
    const env = () => ({
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ALERT_TOPIC_ARN: TOPIC_ARN,
      HTTP_API_ID: 'a1b2c3d4e5',
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
    });

    beforeAll(async () => {
      cloudwatch = await cloudWatchWireStandIn(() => ({ Timestamps: [], Values: [] }));
      sns = await snsWireStandIn();
    });

    afterAll(async () => {
      await cloudwatch.close();
      await sns.close();
    });

    it('answers a self-test event with its report and test alert', async () => {
      // Prepare
      const handler = await loadHandler('alert-evaluator', env());

      // Act
      const answer = await handler(
        { selfTest: { testAlertId: 'verify-20261208-7f3a9c' } },
        context('alert-evaluator'),
      );

      // Assess
      expect(asReport(answer)).toMatchObject({
        function: 'alert-evaluator',
        testAlert: { id: 'verify-20261208-7f3a9c', messageId: expect.stringMatching(/^m-\d+$/) },
      });
    });

    it('evaluates its rules on the schedule as before, publishing no test alert', async () => {
      // Prepare
      const handler = await loadHandler('alert-evaluator', env());
      const published = sns.requests.length;

      // Act
      const answer = await handler(scheduledEvent(), context('alert-evaluator'));

      // Assess
      expect(answer).toMatchObject({ rulesEvaluated: 1 });
      expect(answer).not.toHaveProperty('selfTest');
      const messages = sns.requests.slice(published).map((request) => String(request.Message));
      expect(messages.filter((message) => message.includes('signupflow.self-test'))).toEqual([]);
    });

    it('refuses a malformed self-test event with an error', async () => {
      const handler = await loadHandler('alert-evaluator', env());

      await expect(handler(MALFORMED_SELF_TEST, context('alert-evaluator'))).rejects.toThrow(
        /^Invalid self-test event/,
      );
    });
  });

  describe('the Slack notifier', () => {
    const sqs = mockClient(SQSClient);
    let slack: SlackServer;
    const env = () => ({
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_ALERT_CHANNEL: '#signupflow-alerts-test',
      NOTIFIER_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/signupflow-test-notifier-dlq',
    });
    const postedToWebhook = () => slack.posts.filter((post) => post.path === slack.secretPath);

    beforeAll(async () => {
      slack = await startSlackServer();
    });

    beforeEach(() => {
      slack.posts.length = 0;
      sqs.reset();
      sqs.on(SendMessageCommand).resolves({ MessageId: 'dlq-1' });
      sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    });

    afterAll(async () => {
      sqs.restore();
      await slack.close();
    });

    it('answers a self-test event with its report, posting nothing and queueing nothing', async () => {
      // Prepare
      const handler = await loadHandler('slack-notifier', env());

      // Act
      const answer = await handler(SELF_TEST, context('slack-notifier'));

      // Assess
      expect(asReport(answer)).toMatchObject({
        function: 'slack-notifier',
        checks: [
          { dependency: 'SQS', ok: true },
          { dependency: 'Slack', ok: true },
        ],
      });
      expect(postedToWebhook()).toHaveLength(0);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    });

    it('posts an SNS alert as before, not answering with a report', async () => {
      const handler = await loadHandler('slack-notifier', env());

      const answer = await handler(snsEvent('evaluator-critical-firing'), context('slack-notifier'));

      expect(answer).toEqual({ delivered: 1, skipped: 0, deadLettered: 0 });
      expect(postedToWebhook()).toHaveLength(1);
    });

    it('refuses a malformed self-test event with an error, rather than dead-lettering it as an SNS message', async () => {
      // Prepare
      const handler = await loadHandler('slack-notifier', env());

      // Act
      const answer = handler(MALFORMED_SELF_TEST, context('slack-notifier'));

      // Assess: a dead letter would page on-call through the dead-letter queue's alarm
      await expect(answer).rejects.toThrow(/^Invalid self-test event/);
      expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
      expect(postedToWebhook()).toHaveLength(0);
    });
  });

  describe('the schema migrator', () => {
    const env = async () => ({ DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(await closedPort()) });

    it('answers a self-test event with its report', async () => {
      const handler = await loadHandler('schema-migrator', await env());

      const answer = await handler(SELF_TEST, context('schema-migrator'));

      expect(asReport(answer)).toMatchObject({ function: 'schema-migrator' });
    });

    it("answers the schema resource's Delete as before, keeping the schema", async () => {
      const handler = await loadHandler('schema-migrator', await env());

      const answer = await handler(
        { RequestType: 'Delete', PhysicalResourceId: 'signupflow-schema' },
        context('schema-migrator'),
      );

      expect(answer).toEqual({ PhysicalResourceId: 'signupflow-schema' });
    });

    it('refuses a malformed self-test event with an error', async () => {
      const handler = await loadHandler('schema-migrator', await env());

      await expect(handler(MALFORMED_SELF_TEST, context('schema-migrator'))).rejects.toThrow(
        /^Invalid self-test event/,
      );
    });
  });
});
