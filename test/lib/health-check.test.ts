import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { HealthCheck } from '../../lib/health-check';
import { stackParts } from '../support/stack-parts';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-monitor-AbC123';

/**
 * A stack with the key, the network, the data stores, an HTTP API and the health check on it, built the way
 * `SignUpFlowMonitoringStack` builds them. `publicRoute` acknowledges APIG4 as `SignUpFlowApi` does.
 */
function healthStack(app: App, id: string, config: StageConfig): { stack: Stack; health: HealthCheck } {
  const stack = new Stack(app, id, { env: { account: '123456789012', region: 'eu-west-1' } });
  const { key, network, database, redis } = stackParts(stack, config);
  const httpApi = new apigw.HttpApi(stack, 'HttpApi', { createDefaultStage: false });
  const health = new HealthCheck(stack, 'Health', {
    config,
    key,
    httpApi,
    publicRoute: (route, reason) => {
      if (route) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    },
    database,
    redis,
    vpcPlacement: network.placementFor({ postgres: true, redis: true }),
  });
  return { stack, health };
}

describe('HealthCheck', () => {
  let outdir: string;
  let plain: Template;
  let withSecret: Template;
  let plainHealth: HealthCheck;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'health-check-test-'));
    const context = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
    const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const dev = loadStageConfig('dev');
    const production = loadStageConfig('production');
    if (production.database.source !== 'existing')
      throw new Error('production monitors an existing database');
    const secretNamed: StageConfig = {
      ...production,
      database: { ...production.database, passwordSecretArn: SECRET_ARN },
    };
    const first = healthStack(app, 'HealthDev', dev);
    const second = healthStack(app, 'HealthSecret', secretNamed);
    plainHealth = first.health;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth(); // throws on any unacknowledged cdk-nag finding
    plain = Template.fromStack(first.stack);
    withSecret = Template.fromStack(second.stack);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('routes GET /health, /ready and /live to the health function, without authorization', () => {
    for (const path of ['/health', '/ready', '/live']) {
      plain.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `GET ${path}`,
        AuthorizationType: 'NONE',
        Target: Match.anyValue(),
      });
    }
    expect(plainHealth.routes).toHaveLength(3);
  });

  it('gives the function the timeouts and connection settings by their documented names, and a timeout above the check', () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('health checks'),
      Timeout: 7,
      Environment: {
        Variables: Match.objectLike({
          HEALTH_CHECK_TIMEOUT: '3',
          HEALTH_DATABASE_TIMEOUT_MS: '2000',
          HEALTH_REDIS_TIMEOUT_MS: '1000',
          HEALTH_CACHE_SECONDS: '5',
          DATABASE_HOST: 'signupflow-dev.cluster-c9akciq32.eu-west-1.rds.amazonaws.com',
          DATABASE_PORT: '5432',
          DATABASE_NAME: 'signupflow',
          DATABASE_USER: 'signupflow_monitor',
          DATABASE_PASSWORD_SECRET_ARN: { Ref: Match.stringLikeRegexp('DatabasePasswordSecret') },
          REDIS_HOST: 'master.signupflow-dev.x1yz2a.euw1.cache.amazonaws.com',
          REDIS_PORT: '6379',
          REDIS_TLS: 'true',
          NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
        }),
      },
    });
  });

  it('creates the database password secret when none is configured, and lets the function read it', () => {
    plain.resourceCountIs('AWS::SecretsManager::Secret', 1);
    plain.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayEquals(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']),
            Resource: { Ref: Match.stringLikeRegexp('DatabasePasswordSecret') },
          }),
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('HealthFunctionRole') }],
    });
  });

  it('uses the configured secret instead of creating one', () => {
    withSecret.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['secretsmanager:GetSecretValue']),
            Resource: SECRET_ARN,
          }),
        ]),
      },
    });
  });

  it('probes every minute with the same function, retrying within the minute, then dead-lettering', () => {
    plain.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('HealthFunction'), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('ProbeTarget'), 'Arn'] } },
        }),
      ],
    });
    plain.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('HealthFunction'), 'Arn'] },
    });
    plain.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'signupflow-dev-health-probe-dlq',
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitoringKey'), 'Arn'] },
    });
    plain.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signupflow-dev-health-probe-dead-letters',
      MetricName: 'ApproximateNumberOfMessagesVisible',
    });
    expect(plainHealth.alarms).toContain(plainHealth.probeTarget.deadLetterAlarm);
  });

  it('reserves the stage concurrency for the health function: a cap on its database sessions', () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('health checks'),
      ReservedConcurrentExecutions: 5,
    });
  });

  it('alarms per component when it was unhealthy in 3 of the last 5 minutes', () => {
    for (const component of ['database', 'redis']) {
      plain.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `signupflow-dev-health-${component}`,
        Namespace: 'SignUpFlow/dev',
        MetricName: 'health_check_healthy',
        Dimensions: Match.arrayEquals([
          { Name: 'component', Value: component },
          { Name: 'service', Value: 'signupflow' },
        ]),
        Statistic: 'Minimum',
        Period: 60,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        TreatMissingData: 'breaching',
      });
    }
    expect(plainHealth.componentAlarms).toHaveLength(2);
    expect(plainHealth.alarms.length).toBeGreaterThan(2);
  });

  it('runs in the private subnets with the groups that reach Postgres, Redis and HTTPS, and no other', () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('health checks'),
      VpcConfig: {
        SubnetIds: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'],
        SecurityGroupIds: Match.arrayEquals([
          { 'Fn::GetAtt': [Match.stringLikeRegexp('HttpsClients'), 'GroupId'] },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('PostgresClients'), 'GroupId'] },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('RedisClients'), 'GroupId'] },
        ]),
      },
    });
  });
});
