import { randomUUID } from 'node:crypto';
import {
  CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { parseVerifyArgs, verify } from '../../scripts/verify';
import { SELF_TESTED_FUNCTIONS } from '../../scripts/verify/self-test-checks';
import { closedPort } from '../support/hung-server';
import { lambdaContext } from '../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../support/output';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type SlackReply, type SlackServer, startSlackServer } from '../support/slack-server';
import { snsEventOf } from '../support/sns-events';
import { checklistLine } from '../support/verify-cli';

const STACK = 'SignUpFlowMonitoring-dev';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-dev-alerts';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:';
const WEBHOOK_SECRET = `${ARN}signupflow/dev/slack-webhook/signupflow-alerts-dev-AbC123`;
const TOKEN_SECRET = `${ARN}MetricsExporterTokenSecret-DeF456`;
const ADMIN_SECRET = `${ARN}rds!cluster-signupflow-dev-Dv4x9Q`;
const NOTIFIER_LOG_GROUP = 'SignUpFlowMonitoring-dev-SlackNotifierLogGroup-Q1w2E3';
const FUNCTION_NAMES = Object.fromEntries(
  SELF_TESTED_FUNCTIONS.map((name) => [name, `signupflow-dev-${name}`]),
);

const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const logs = mockClient(CloudWatchLogsClient);
const cloudFormation = mockClient(CloudFormationClient);
const cloudWatch = mockClient(CloudWatchClient);
const secrets = mockClient(SecretsManagerClient);
const sqs = mockClient(SQSClient);

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * `npm run verify -- --stage dev` against the real handlers of every function, in this process: Lambda's Invoke
 * calls the handler the function name names, SNS hands what the evaluator publishes to the notifier's handler
 * as SNS would, and CloudWatch Logs' FilterLogEvents reads what the handlers logged. Postgres, Redis and the
 * Slack webhook are real; the other AWS APIs are replaced with aws-sdk-client-mock.
 */
describe('npm run verify -- --stage NAME, self-tests and the alert path', () => {
  let database: TestDatabase;
  let slack: SlackServer;
  let output: CapturedOutput;
  const handlers: Record<string, Handler> = {};
  /** Notifier invocations SNS started, awaited before a test ends. */
  const deliveries: Promise<unknown>[] = [];

  const startSlack = async (script: SlackReply[] = []) => {
    await slack?.close();
    slack = await startSlackServer(script);
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET }).resolves({ SecretString: slack.url });
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    vi.resetModules();
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAVERIFYSELFTEST00',
      AWS_SECRET_ACCESS_KEY: 'test-only',
      STAGE: 'dev',
      POWERTOOLS_SERVICE_NAME: 'signupflow',
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/dev',
      METRICS_FLUSH_INTERVAL_SECONDS: '0',
      DATABASE_URL: database.url,
      // The migrator's admin login: the endpoint, not DATABASE_URL
      DATABASE_HOST: url.hostname,
      DATABASE_PORT: url.port,
      DATABASE_NAME: url.pathname.slice(1),
      DATABASE_SSL: 'disable',
      DATABASE_ADMIN_SECRET_ARN: ADMIN_SECRET,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ALERT_TOPIC_ARN: TOPIC_ARN,
      SLACK_ALERT_CHANNEL: '#signupflow-alerts-dev',
      SLACK_WEBHOOKS: JSON.stringify([{ channel: '#signupflow-alerts-dev', secretArn: WEBHOOK_SECRET }]),
      NOTIFIER_DLQ_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/signupflow-dev-slack-notifier-dlq',
      METRICS_TOKEN_SECRET_ARN: TOKEN_SECRET,
    })) {
      vi.stubEnv(name, value);
    }
    const load = async (folder: string) =>
      ((await import(`../../lambdas/${folder}/handler.ts`)) as { handler: Handler }).handler;
    for (const folder of SELF_TESTED_FUNCTIONS) handlers[folder] = await load(folder);
    output = captureOutput();
  });

  afterAll(async () => {
    output?.restore();
    vi.unstubAllEnvs();
    await slack?.close();
    await database?.drop();
  });

  beforeEach(async () => {
    for (const mock of [lambda, sns, logs, cloudFormation, cloudWatch, secrets, sqs]) mock.reset();
    output.clear();
    await startSlack();
    secrets
      .on(GetSecretValueCommand, { SecretId: TOKEN_SECRET })
      .resolves({ SecretString: 'a-scrape-token-of-48-characters-for-prometheus-x' });
    secrets.on(GetSecretValueCommand, { SecretId: ADMIN_SECRET }).resolves({
      SecretString: JSON.stringify({ username: 'postgres', password: 'trust-auth-ignores-it' }),
    });
    cloudWatch.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'runs', Values: [14] }] });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '0' } });
    sqs.on(SendMessageCommand).resolves({ MessageId: randomUUID() });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: STACK,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-12-01T00:00:00Z'),
          Outputs: [
            { OutputKey: 'FunctionNames', OutputValue: JSON.stringify(FUNCTION_NAMES) },
            { OutputKey: 'SlackNotifierLogGroupName', OutputValue: NOTIFIER_LOG_GROUP },
          ],
        },
      ],
    });
    cloudFormation.on(ListStackResourcesCommand).resolves({ StackResourceSummaries: [] });
    lambda.on(InvokeCommand).callsFake(invokeHandler);
    sns
      .on(PublishCommand)
      .callsFake(
        async (input: {
          Message: string;
          MessageAttributes?: Record<string, { DataType: string; StringValue: string }>;
        }) => {
          const messageId = randomUUID();
          const attributes = Object.fromEntries(
            Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [
              name,
              { Type: value.DataType, Value: value.StringValue },
            ]),
          );
          // SNS delivers to its Lambda subscriber after it answered the publisher
          deliveries.push(
            new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
              handlers['slack-notifier']?.(
                snsEventOf(input.Message, messageId, attributes, TOPIC_ARN),
                lambdaContext('signupflow-dev-slack-notifier'),
              ),
            ),
          );
          return { MessageId: messageId };
        },
      );
    logs
      .on(FilterLogEventsCommand)
      .callsFake(async (input: { logGroupName: string; filterPattern: string }) => {
        const messageId = /\$\.messageId = "([0-9a-f-]+)"/.exec(input.filterPattern)?.[1];
        const events = output
          .records()
          .filter((record) => input.logGroupName === NOTIFIER_LOG_GROUP && record.messageId === messageId)
          .map((record) => ({ message: JSON.stringify(record), timestamp: Date.now() }));
        return { events };
      });
  });

  /** Lambda's synchronous Invoke of the handler the function name names: its answer, or its error as Lambda reports it. */
  async function invokeHandler(input: { FunctionName: string; Payload: string }) {
    const folder = Object.entries(FUNCTION_NAMES).find(([, name]) => name === input.FunctionName)?.[0] ?? '';
    try {
      const answer = await handlers[folder]?.(JSON.parse(input.Payload), lambdaContext(input.FunctionName));
      return { StatusCode: 200, Payload: Buffer.from(JSON.stringify(answer)) };
    } catch (error) {
      const { name, message } = error as Error;
      return {
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: Buffer.from(JSON.stringify({ errorType: name, errorMessage: message })),
      };
    }
  }

  const verifyStage = async () => {
    const aws = {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAVERIFYSELFTEST00', secretAccessKey: 'x' },
    };
    const result = await verify(parseVerifyArgs(['--stage', 'dev', '--timeout', '3']), {
      env: {},
      stageConfig: () => loadStageConfig('dev'),
      stageClients: () => ({
        cloudFormation: new CloudFormationClient(aws),
        cloudWatch: new CloudWatchClient(aws),
        logs: new CloudWatchLogsClient(aws),
        secrets: new SecretsManagerClient(aws),
        lambda: new LambdaClient(aws),
        ec2: new EC2Client(aws),
        ssm: new SSMClient(aws),
      }),
    });
    await Promise.allSettled(deliveries.splice(0));
    return result;
  };

  it('reaches every dependency of every function from its self-test, and follows the test alert to Slack', async () => {
    // Act
    const { output: checklist } = await verifyStage();
    process.env.PRINT_CHECKLIST && console.error(checklist);

    // Assess
    const lines = checklist.split('\n').filter((line) => line.includes(' → '));
    expect(lines.length).toBeGreaterThanOrEqual(14);
    for (const line of lines) expect(line).toMatch(/^\[ok\] /);
    expect(checklistLine(checklist, 'alert-evaluator → SNS').line).toMatch(
      /test alert [0-9a-f-]{36} published/,
    );
    expect(checklistLine(checklist, 'slack-notifier → Slack').line).toMatch(/127\.0\.0\.1:\d+/);
    expect(checklistLine(checklist, 'Alert path').line).toMatch(
      /^\[ok\] +Alert path +test alert [0-9a-f-]{36} went evaluator → SNS → notifier → Slack \(#signupflow-alerts-dev\) in \d+\.\d s$/,
    );
    // The notifier's reachability check is a HEAD without a body; the test alert is the one post
    expect(slack.posts.filter((post) => post.body).map((post) => String(post.json().text))).toEqual([
      expect.stringMatching(/^🧪 Self-test of the alert path: signupflow dev\. No action needed\.$/),
    ]);
  });

  it("finds the notifier's line on a later page when CloudWatch Logs answers the first one empty", async () => {
    // Prepare: FilterLogEvents may answer a page without events and a token while later log streams match
    const firstPages = logs.commandCalls(FilterLogEventsCommand).length;
    logs
      .on(FilterLogEventsCommand)
      .callsFake(async (input: { filterPattern: string; nextToken?: string }) => {
        if (!input.nextToken) return { events: [], nextToken: 'later-streams' };
        const messageId = /\$\.messageId = "([0-9a-f-]+)"/.exec(input.filterPattern)?.[1];
        const events = output
          .records()
          .filter((record) => record.messageId === messageId)
          .map((record) => ({ message: JSON.stringify(record), timestamp: Date.now() }));
        return { events };
      });

    // Act
    const { output: checklist } = await verifyStage();

    // Assess
    expect(checklistLine(checklist, 'Alert path').line).toMatch(/^\[ok\] +Alert path/);
    expect(logs.commandCalls(FilterLogEventsCommand).length - firstPages).toBeGreaterThanOrEqual(2);
  });

  it('fails the alert path, saying why, when Slack refuses the test alert and the notifier dead-letters it', async () => {
    // Prepare: the webhook was revoked
    await startSlack([{ status: 404, body: 'no_service' }]);

    // Act
    const { output: checklist, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(checklist, 'Alert path');
    expect(line).toMatch(
      /the notifier got the test alert but did not deliver it: Not delivered to Slack: kept in the dead-letter queue \(\w+\)$/,
    );
    expect(fix).toMatch(/^fix: read the Slack line of `npm run verify`/);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it("fails each function's Redis line, with the fix, when nothing listens where Redis should be", async () => {
    // Prepare
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${await closedPort()}`);

    // Act
    const { output: checklist } = await verifyStage();

    // Assess
    for (const folder of ['health', 'metrics-exporter', 'alert-evaluator']) {
      const { line, fix } = checklistLine(checklist, `${folder} → Redis`);
      expect(line).toMatch(/^\[FAIL\] .*: refused ECONNREFUSED: /);
      expect(fix).toMatch(/^fix: nothing listens on 127\.0\.0\.1:\d+: check redis\.host and redis\.port$/);
    }
    expect(checklistLine(checklist, 'api → Postgres').line).toMatch(/^\[ok\] /);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
  });

  it('fails the line of a function that crashes, or that answers without a report (an older release)', async () => {
    // Prepare
    lambda.on(InvokeCommand, { FunctionName: FUNCTION_NAMES.health }).callsFake(async () => ({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: Buffer.from(
        JSON.stringify({ errorType: 'Runtime.ImportModuleError', errorMessage: "Cannot find module 'pg'" }),
      ),
    }));
    lambda.on(InvokeCommand, { FunctionName: FUNCTION_NAMES.api }).callsFake(async () => ({
      StatusCode: 200,
      Payload: Buffer.from(JSON.stringify({ statusCode: 404, body: '{"message":"Not found"}' })),
    }));

    // Act
    const { output: checklist } = await verifyStage();

    // Assess
    expect(checklistLine(checklist, 'health').line).toMatch(
      /^\[FAIL\] health +signupflow-dev-health failed its self-test: Runtime\.ImportModuleError: Cannot find module 'pg'$/,
    );
    expect(checklistLine(checklist, 'api').line).toMatch(
      /signupflow-dev-api answered without a self-test report: it runs an older release$/,
    );
  });
});
