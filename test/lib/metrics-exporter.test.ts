import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { MetricsExporter } from '../../lib/metrics-exporter';
import { stackParts } from '../support/stack-parts';

/** A stack with the key, an HTTP API and the exporter, built as `SignUpFlowMonitoringStack` builds them. */
function exporterStack(app: App, id: string, config: StageConfig): Stack {
  const stack = new Stack(app, id, { env: { account: '123456789012', region: 'eu-west-1' } });
  const { key, network, redis } = stackParts(stack, config);
  new MetricsExporter(stack, 'MetricsExporter', {
    config,
    key,
    httpApi: new apigw.HttpApi(stack, 'HttpApi', { createDefaultStage: false }),
    publicRoute: (route, reason) => {
      if (route) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    },
    redis,
    vpcPlacement: network.placementFor({ redis: true }),
  });
  return stack;
}

/** Every IAM action granted to the exporter function's role. */
function exporterActions(template: Template): string[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp('ExporterFunctionRole') }] },
  });
  return Object.values(policies).flatMap((policy) =>
    (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap(
      (statement) => statement.Action,
    ),
  );
}

describe('MetricsExporter', () => {
  let outdir: string;
  let plain: Template;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'metrics-exporter-test-'));
    const context = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8')).context;
    const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const dev = exporterStack(app, 'ExporterDev', loadStageConfig('dev'));
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth(); // throws on any unacknowledged cdk-nag finding
    plain = Template.fromStack(dev);
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('routes GET /metrics to the exporter function, anonymous at API Gateway (the function checks the token)', () => {
    plain.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'GET /metrics',
      AuthorizationType: 'NONE',
      Target: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['integrations/'])]) }),
    });
    plain.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'apigateway.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExporterFunction'), 'Arn'] },
    });
  });

  it("caps the exporter at the stage's reserved concurrency: a flood of unauthenticated scrapes stays small", () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('GET /metrics'),
      ReservedConcurrentExecutions: 2,
    });
  });

  it('generates the token secret under the stack key, with no value in the template', () => {
    plain.hasResourceProperties('AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('Bearer token Prometheus scrapes GET /metrics'),
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('MonitoringKey'), 'Arn'] },
      GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 48 },
      SecretString: Match.absent(),
    });
  });

  it('gives the function the token secret ARN and the Redis settings, never a token', () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('GET /metrics'),
      Environment: {
        Variables: Match.objectLike({
          METRICS_TOKEN_SECRET_ARN: { Ref: Match.stringLikeRegexp('TokenSecret') },
          REDIS_HOST: Match.anyValue(),
          REDIS_PORT: Match.anyValue(),
          REDIS_TLS: Match.anyValue(),
          METRICS_REDIS_TIMEOUT_MS: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'signupflow',
          STAGE: 'dev',
          METRICS_TOKEN: Match.absent(),
        }),
      },
    });
  });

  it('lets the function read that secret and decrypt it through Secrets Manager only, and nothing in CloudWatch', () => {
    plain.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('ExporterFunctionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayEquals(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']),
            Resource: { Ref: Match.stringLikeRegexp('TokenSecret') },
          }),
        ]),
      },
    });
    plain.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:Decrypt',
            Principal: { AWS: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExporterFunctionRole'), 'Arn'] } },
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          }),
        ]),
      },
    });
    const actions = exporterActions(plain);
    expect(actions).toContain('secretsmanager:GetSecretValue');
    expect(actions.filter((action) => action.startsWith('cloudwatch:'))).toEqual([]);
    expect(actions.filter((action) => action.startsWith('secretsmanager:'))).toEqual([
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
  });

  it('runs in the private subnets with the groups that reach Redis and HTTPS only, never Postgres', () => {
    plain.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('GET /metrics'),
      VpcConfig: {
        SubnetIds: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'],
        SecurityGroupIds: Match.arrayEquals([
          { 'Fn::GetAtt': [Match.stringLikeRegexp('HttpsClients'), 'GroupId'] },
          { 'Fn::GetAtt': [Match.stringLikeRegexp('RedisClients'), 'GroupId'] },
        ]),
      },
    });
  });
});
