import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm } from '@aws-sdk/client-cloudwatch';
import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { parseVerifyArgs, verify } from '../../scripts/verify';
import type { PreflightClients } from '../../scripts/verify/preflight-checks';
import { SENTRY_TEST_MESSAGE } from '../../scripts/verify/sentry-event';
import type { StageClients } from '../../scripts/verify/stage-checks';
import { closedPort } from '../support/hung-server';
import { startInfluxServer } from '../support/influxdb-server';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type SentryStandIn, startSentryStandIn } from '../support/sentry-server';
import { type SlackServer, startSlackServer } from '../support/slack-server';
import { checklistLine } from '../support/verify-cli';

const cloudFormation = mockClient(CloudFormationClient);
const cloudWatch = mockClient(CloudWatchClient);
const logs = mockClient(CloudWatchLogsClient);
const secrets = mockClient(SecretsManagerClient);
const lambda = mockClient(LambdaClient);

const STACK = 'SignUpFlowMonitoring-dev';
const WEBHOOK_SECRET = 'signupflow/dev/slack-webhook/signupflow-alerts-dev';
const PASSWORD_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/dev/db-AbC123';
const KEY_ARN = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ALARMS = ['signupflow-dev-api-errors', 'signupflow-dev-health-redis', 'signupflow-dev-api-5xx-rate'];
const LOG_GROUPS = [
  'SignUpFlowMonitoring-dev-ApiFunctionLogGroup-AbC123',
  'SignUpFlowMonitoring-dev-ApiAccessLogs-XyZ789',
];

const TEST_ALERT_MESSAGE_ID = '5a1c7e0b-3f2d-4c8e-9b6a-0d4e8f2a1b3c';
const FUNCTION_NAMES = Object.fromEntries(
  ['schema-migrator', 'api', 'health', 'metrics-exporter', 'alert-evaluator', 'slack-notifier'].map(
    (name) => [name, `signupflow-dev-${name}`],
  ),
);

/** A deployed function's self-test that reached its one dependency (the evaluator's also published the test alert). */
function passingSelfTest(functionName: string) {
  const evaluator = functionName.endsWith('alert-evaluator');
  return {
    selfTest: {
      function: functionName.replace('signupflow-dev-', ''),
      release: 'abc1234',
      checks: [
        {
          dependency: 'Secrets Manager',
          target: 'secretsmanager.eu-west-1.amazonaws.com',
          ok: true,
          ms: 21,
          detail: 'readable',
        },
      ],
      ...(evaluator && { testAlert: { id: 'verify-test', messageId: TEST_ALERT_MESSAGE_ID } }),
    },
  };
}

/**
 * `npm run verify -- --stage dev` in this process, with CloudFormation, CloudWatch, CloudWatch Logs and Secrets
 * Manager replaced by aws-sdk-client-mock; the stack's ApiUrl is the real local server, the rules table a real
 * database (VERIFY_DATABASE_URL), the webhook a Slack stand-in and the DSN a Sentry stand-in.
 */
describe('npm run verify -- --stage NAME', () => {
  let database: TestDatabase;
  let slack: SlackServer;
  let sentry: SentryStandIn;
  let server: LocalServer;
  let config: StageConfig;
  let clients: StageClients & PreflightClients;
  let alarms: MetricAlarm[];
  let logGroups: LogGroup[];

  beforeAll(async () => {
    database = await createTestDatabase();
    slack = await startSlackServer();
    sentry = await startSentryStandIn();
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
    vi.stubEnv('ALERT_EVALUATION_INTERVAL', '0');
    server = await startLocalServer({ port: 0, log: () => undefined, migrate: false });
    const dev = loadStageConfig('dev');
    config = { ...dev, sentry: { ...dev.sentry, dsn: sentry.dsn } };
    const aws = {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAVERIFYTEST000000', secretAccessKey: 'x' },
    };
    clients = {
      cloudFormation: new CloudFormationClient(aws),
      cloudWatch: new CloudWatchClient(aws),
      logs: new CloudWatchLogsClient(aws),
      secrets: new SecretsManagerClient(aws),
      lambda: new LambdaClient(aws),
      ec2: new EC2Client(aws),
      ssm: new SSMClient(aws),
    };
  });

  afterAll(async () => {
    await server?.close();
    vi.unstubAllEnvs();
    await Promise.all([slack?.close(), sentry?.close()]);
    await database?.drop();
  });

  beforeEach(() => {
    for (const mock of [cloudFormation, cloudWatch, logs, secrets, lambda]) mock.reset();
    // The functions' self-tests and the test alert: test/scripts/verify-self-test.test.ts runs the real ones.
    lambda.on(InvokeCommand).callsFake(async (input: { FunctionName: string }) => ({
      StatusCode: 200,
      Payload: Buffer.from(JSON.stringify(passingSelfTest(input.FunctionName))),
    }));
    logs.on(FilterLogEventsCommand).resolves({
      events: [
        {
          message: JSON.stringify({
            message: 'Delivered to Slack',
            channel: '#signupflow-alerts-dev',
            messageId: TEST_ALERT_MESSAGE_ID,
          }),
        },
      ],
    });
    alarms = ALARMS.map((name) => ({ AlarmName: name, StateValue: 'OK' }));
    logGroups = LOG_GROUPS.map((name) => ({ logGroupName: name, kmsKeyId: KEY_ARN }));
    cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).resolves({
      Stacks: [
        {
          StackName: STACK,
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date('2026-11-01T00:00:00Z'),
          Outputs: [
            { OutputKey: 'ApiUrl', OutputValue: `${server.url}/` },
            { OutputKey: 'FunctionNames', OutputValue: JSON.stringify(FUNCTION_NAMES) },
            {
              OutputKey: 'SlackNotifierLogGroupName',
              OutputValue: 'SignUpFlowMonitoring-dev-SlackNotifierLogGroup-Q1w2E3',
            },
            { OutputKey: 'DatabasePasswordSecretArn', OutputValue: PASSWORD_SECRET_ARN },
          ],
        },
      ],
    });
    // Two pages, as CloudFormation answers a large stack.
    cloudFormation
      .on(ListStackResourcesCommand, { StackName: STACK })
      .resolves({
        StackResourceSummaries: [
          ...ALARMS.slice(0, 2).map((name) => summary('AWS::CloudWatch::Alarm', name)),
          summary('AWS::Lambda::Function', 'signupflow-dev-api'),
        ],
        NextToken: 'page-2',
      })
      .on(ListStackResourcesCommand, { StackName: STACK, NextToken: 'page-2' })
      .resolves({
        StackResourceSummaries: [
          summary('AWS::CloudWatch::Alarm', ALARMS[2] as string),
          ...LOG_GROUPS.map((name) => summary('AWS::Logs::LogGroup', name)),
        ],
      });
    cloudWatch.on(DescribeAlarmsCommand).callsFake(async () => ({ MetricAlarms: alarms }));
    logs.on(DescribeLogGroupsCommand).callsFake(async (input: { logGroupNamePrefix?: string }) => ({
      logGroups: logGroups.filter((group) => group.logGroupName?.startsWith(input.logGroupNamePrefix ?? '')),
    }));
    secrets.on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET }).resolves({ SecretString: slack.url });
  });

  const verifyStage = (
    options: { env?: Record<string, string>; stage?: StageConfig; timeout?: string } = {},
  ) =>
    verify(parseVerifyArgs(['--stage', 'dev', '--timeout', options.timeout ?? '3']), {
      env: options.env ?? { VERIFY_DATABASE_URL: database.url },
      stageConfig: () => options.stage ?? config,
      stageClients: () => clients,
    });

  it('passes every check of a healthy stage and prints no webhook URL', async () => {
    // Prepare
    const postsBefore = slack.posts.length;

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(0);
    expect(output.split('\n')[0]).toBe(`SignUpFlow monitoring: verify --stage dev (${STACK} in eu-west-1)`);
    for (const name of ['CloudFormation stack', '/health', '/live', 'Rules table', 'Sentry']) {
      expect(checklistLine(output, name).line).toMatch(/^\[ok\] /);
    }
    expect(checklistLine(output, 'Slack #signupflow-alerts-dev').line).toMatch(
      /^\[ok\] .* posted to 127\.0\.0\.1:\d+/,
    );
    expect(checklistLine(output, 'Alarms').line).toMatch(
      /3 alarms exist, each with data \(0 in ALARM, 3 OK\)$/,
    );
    expect(checklistLine(output, 'Log groups').line).toMatch(/2 log groups, all encrypted with a KMS key$/);
    expect(checklistLine(output, 'InfluxDB').line).toMatch(/^\[skip\] InfluxDB\s+skipped: not configured/);
    expect(cloudWatch.commandCalls(DescribeAlarmsCommand)[0]?.args[0].input).toMatchObject({
      AlarmNamePrefix: 'signupflow-dev-',
    });
    expect(slack.posts.slice(postsBefore).map((post) => String(post.json().text))).toEqual([
      'SignUpFlow monitoring: verify test message (dev). No action needed.',
    ]);
    expect(
      sentry
        .events()
        .filter((event) => event.message === SENTRY_TEST_MESSAGE)
        .at(-1),
    ).toMatchObject({
      environment: 'development',
      tags: { stage: 'dev' },
    });
    expect(output).not.toContain(slack.secretPath.split('/').at(-1));
  });

  it('fails Alarms naming an alarm in INSUFFICIENT_DATA', async () => {
    // Prepare
    alarms[1] = { AlarmName: 'signupflow-dev-health-redis', StateValue: 'INSUFFICIENT_DATA' };

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(output, 'Alarms');
    expect(line).toMatch(
      /^\[FAIL\] Alarms\s+1 of 3 alarms in INSUFFICIENT_DATA \(no data points for their metric\): signupflow-dev-health-redis$/,
    );
    expect(fix).toMatch(
      /^fix: a new alarm needs a few minutes of data; otherwise check that what it watches runs/,
    );
  });

  it("judges only the stack's own alarms, not another stage's that shares the name prefix", async () => {
    // Prepare: a stage named dev-eu, whose alarms also start with signupflow-dev-
    alarms.push({ AlarmName: 'signupflow-dev-eu-api-errors', StateValue: 'INSUFFICIENT_DATA' });

    // Act
    const { output } = await verifyStage();

    // Assess
    expect(checklistLine(output, 'Alarms').line).toMatch(
      /^\[ok\]\s+Alarms\s+3 alarms exist, each with data \(0 in ALARM, 3 OK\)$/,
    );
  });

  it('fails Alarms naming an alarm the stack declares and CloudWatch does not have', async () => {
    // Prepare
    alarms = alarms.filter((alarm) => alarm.AlarmName !== 'signupflow-dev-api-5xx-rate');

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(output, 'Alarms');
    expect(line).toMatch(
      /^\[FAIL\] Alarms\s+1 of the stack's 3 alarms missing in CloudWatch: signupflow-dev-api-5xx-rate$/,
    );
    expect(fix).toMatch(/^fix: an alarm was deleted outside CloudFormation: deploy the stack again/);
  });

  it('fails Log groups naming a log group without a KMS key', async () => {
    // Prepare
    logGroups[1] = { logGroupName: LOG_GROUPS[1] };

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(output, 'Log groups');
    expect(line).toMatch(
      new RegExp(`^\\[FAIL\\] Log groups\\s+1 of 2 log groups not encrypted: ${LOG_GROUPS[1]}$`),
    );
    expect(fix).toMatch(/^fix: associate the stack's KMS key .*aws logs associate-kms-key/);
    expect(checklistLine(output, 'Alarms').line).toMatch(/^\[ok\] /);
  });

  it('fails the stack line and skips what needs the stack when it is not deployed', async () => {
    // Prepare
    cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: `Stack with id ${STACK} does not exist`,
      }),
    );

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    const stack = checklistLine(output, 'CloudFormation stack');
    expect(stack.line).toMatch(
      /^\[FAIL\] CloudFormation stack\s+SignUpFlowMonitoring-dev is not deployed in eu-west-1$/,
    );
    expect(stack.fix).toMatch(/^fix: deploy it \(README, Deploy\), or run verify with credentials/);
    for (const name of ['/health', '/live', 'Rules table', 'Alarms', 'Log groups']) {
      expect(checklistLine(output, name).line).toMatch(
        /^\[skip\] .*skipped: needs the stack, which could not be read/,
      );
    }
  });

  it('fails a webhook whose secret still holds the placeholder, without printing it', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: WEBHOOK_SECRET })
      .resolves({ SecretString: 'Zq8#placeholder-1x!' });
    const postsBefore = slack.posts.length;

    // Act
    const { output, exitCode } = await verifyStage();

    // Assess
    expect(exitCode).toBe(1);
    expect(checklistLine(output, 'Slack #signupflow-alerts-dev')).toEqual({
      line: expect.stringMatching(
        new RegExp(
          `^\\[FAIL\\] Slack #signupflow-alerts-dev +the secret ${WEBHOOK_SECRET} holds no webhook URL yet \\(a placeholder\\)$`,
        ),
      ),
      fix: `fix: put the webhook's URL in the secret ${WEBHOOK_SECRET} (docs/MONITORING_RUNBOOK.md#set-or-rotate-a-webhook)`,
    });
    expect(output).not.toContain('placeholder-1x');
    expect(slack.posts.length).toBe(postsBefore);
  });

  it('fails Sentry in a production stage that configures no DSN, and only notes it in another', async () => {
    // Prepare
    const withoutDsn = { ...config, sentry: { ...config.sentry, dsn: undefined } };

    // Act
    const production = await verifyStage({ stage: { ...withoutDsn, production: true } });
    const dev = await verifyStage({ stage: withoutDsn });

    // Assess
    expect(production.exitCode).toBe(1);
    expect(checklistLine(production.output, 'Sentry')).toEqual({
      line: expect.stringMatching(
        /^\[FAIL\] Sentry +not configured: the dev stage has no sentry\.dsn, so its errors are only in its logs$/,
      ),
      fix: 'fix: set sentry.dsn of the stage in lib/stages.ts and deploy (docs/MONITORING_RUNBOOK.md#sentry-dsn)',
    });
    expect(dev.exitCode).toBe(0);
    expect(checklistLine(dev.output, 'Sentry').line).toMatch(/^\[skip\] Sentry +skipped: not configured/);
  });

  it("reads the database password from the stack's secret, and says how to reach a database inside the VPC", async () => {
    // Prepare
    const port = await closedPort();
    const stage = { ...config, database: { ...config.database, host: '127.0.0.1', port } };
    secrets
      .on(GetSecretValueCommand, { SecretId: PASSWORD_SECRET_ARN })
      .resolves({ SecretString: JSON.stringify({ password: 'db-Passw0rd-Verify' }) });

    // Act
    const { output, exitCode } = await verifyStage({ stage, env: {} });

    // Assess
    expect(exitCode).toBe(1);
    expect(secrets.commandCalls(GetSecretValueCommand, { SecretId: PASSWORD_SECRET_ARN })).toHaveLength(1);
    const { line, fix } = checklistLine(output, 'Rules table');
    expect(line).toMatch(
      new RegExp(`^\\[FAIL\\] Rules table +127\\.0\\.0\\.1:${port}/signupflow: connection refused$`),
    );
    expect(fix).toMatch(
      /open a tunnel to it and set VERIFY_DATABASE_URL \(postgres:\/\/signupflow_monitor@127\.0\.0\.1:PORT\/signupflow\) and PGPASSWORD \(the password of the stage's database secret\)$/,
    );
    expect(output).not.toContain('db-Passw0rd-Verify');
  });

  it("never prints the DSN's key, not even when Sentry's refusal echoes it", async () => {
    // Prepare: a Sentry that refuses the key and names it, as sentry.io does
    const key = '0123456789abcdef0123456789abcdef';
    const refusing = createServer((_request, response) =>
      response.writeHead(403, { 'x-sentry-error': `unknown public key ${key}` }).end(),
    );
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as AddressInfo;
    const stage = { ...config, sentry: { ...config.sentry, dsn: `http://${key}@127.0.0.1:${port}/7` } };

    // Act
    const { output } = await verifyStage({ stage }).finally(
      () => new Promise((resolve) => refusing.close(resolve)),
    );

    // Assess
    expect(checklistLine(output, 'Sentry').line).toMatch(/^\[FAIL\] Sentry\s+HTTP 403/);
    expect(output).not.toContain(key);
  });

  it('gives a check that needs the stack its whole time after a slow read of the stack', async () => {
    // Prepare: the stack takes 0.7 s of a 1 s budget, the alarms another 0.5 s
    const later = <T>(ms: number, value: T) =>
      new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));
    const described = await clients.cloudFormation.send(new DescribeStacksCommand({ StackName: STACK }));
    cloudFormation.on(DescribeStacksCommand, { StackName: STACK }).callsFake(() => later(700, described));
    cloudWatch.on(DescribeAlarmsCommand).callsFake(() => later(500, { MetricAlarms: alarms }));

    // Act
    const { output } = await verifyStage({ timeout: '1' });

    // Assess
    expect(checklistLine(output, 'CloudFormation stack').line).toMatch(/^\[ok\]/);
    expect(checklistLine(output, 'Alarms').line).toMatch(/^\[ok\]/);
  });

  it('fails a CloudFormation call that never answers at the timeout, and skips what needs the stack', async () => {
    // Prepare
    cloudFormation
      .on(DescribeStacksCommand, { StackName: STACK })
      .callsFake(() => new Promise(() => undefined));
    const startedAt = performance.now();

    // Act
    const { output, exitCode } = await verifyStage({ timeout: '1' });

    // Assess
    expect(exitCode).toBe(1);
    expect(performance.now() - startedAt).toBeLessThan(2_500);
    expect(checklistLine(output, 'CloudFormation stack').line).toMatch(
      /^\[FAIL\] CloudFormation stack\s+no answer within 1 s$/,
    );
    expect(checklistLine(output, 'Alarms').line).toMatch(
      /^\[skip\] Alarms\s+skipped: needs the stack, which could not be read \(see the CloudFormation stack line\)$/,
    );
  });

  it("checks the stage's InfluxDB with the token from its secret, and fails when the secret cannot be read", async () => {
    // Prepare
    const influx = await startInfluxServer();
    const tokenSecretArn =
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/dev/influx-Tk9QzX';
    const stage = {
      ...config,
      influxdb: { url: influx.url, org: 'signupflow', bucket: 'signupflow', tokenSecretArn },
    };
    secrets.on(GetSecretValueCommand, { SecretId: tokenSecretArn }).resolves({ SecretString: influx.token });

    // Act
    let readable: Awaited<ReturnType<typeof verifyStage>>;
    let unreadable: Awaited<ReturnType<typeof verifyStage>>;
    try {
      readable = await verifyStage({ stage });
      secrets.on(GetSecretValueCommand, { SecretId: tokenSecretArn }).rejects(
        new SecretsManagerServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
          message: 'not authorized to perform: secretsmanager:GetSecretValue',
        }),
      );
      unreadable = await verifyStage({ stage });
    } finally {
      await influx.close();
    }

    // Assess
    expect(readable.exitCode).toBe(0);
    expect(checklistLine(readable.output, 'InfluxDB').line).toMatch(
      new RegExp(`^\\[ok\\] +InfluxDB +${new URL(influx.url).host} answers \\(HTTP 200\\)$`),
    );
    expect(readable.output).not.toContain(influx.token);
    expect(unreadable.exitCode).toBe(1);
    const { line, fix } = checklistLine(unreadable.output, 'InfluxDB');
    expect(line).toMatch(/answers, but its token could not be read: AccessDeniedException: not authorized/);
    expect(fix).toBe(
      'fix: verify needs to read the secret influxdb.tokenSecretArn of the dev stage (GetSecretValue, and kms:Decrypt on its key)',
    );
  });
});

function summary(type: string, physicalId: string) {
  return {
    LogicalResourceId: physicalId.replace(/[^A-Za-z0-9]/g, ''),
    PhysicalResourceId: physicalId,
    ResourceType: type,
    ResourceStatus: 'CREATE_COMPLETE' as const,
    LastUpdatedTimestamp: new Date('2026-11-01T00:00:00Z'),
  };
}
