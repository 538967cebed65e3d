import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LOG_FORMAT } from '../../lib/access-log-format';
import { loadStageConfig } from '../../lib/config';
import { alarmNamePrefix } from '../../lib/deployed-names';
import { stackIdFor } from '../../lib/signupflow-monitoring-stack';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';
import { TemplateNetwork } from '../support/template-network';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('the dev stack', () => {
  let synthesized: SynthesizedStack;
  const resourcesOf = (type: string) =>
    Object.entries(synthesized.template.findResources(type) as Record<string, Resource>);
  /** The project's own functions (`lambdas/`), not CDK's provider framework that calls the schema migrator. */
  const projectFunctions = () => {
    const functions = new TemplateNetwork(synthesized.template).functions();
    return resourcesOf('AWS::Lambda::Function').filter(([id]) => [...functions.values()].includes(id));
  };

  beforeAll(() => {
    synthesized = synthesizeStack('dev');
  });
  afterAll(() => synthesized?.cleanup());

  it('has an id that starts with SignUpFlowMonitoring', () => {
    expect(synthesized.stack.stackName).toBe(stackIdFor(loadStageConfig('dev')));
    expect(synthesized.stack.stackName).toMatch(/^SignUpFlowMonitoring/);
  });

  it('names every alarm with the prefix npm run verify lists them by, and outputs the ApiUrl it checks', () => {
    const alarms = [
      ...resourcesOf('AWS::CloudWatch::Alarm'),
      ...resourcesOf('AWS::CloudWatch::CompositeAlarm'),
    ];
    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmName).toMatch(new RegExp(`^${alarmNamePrefix(loadStageConfig('dev'))}`));
    }
    expect(Object.keys(synthesized.template.findOutputs('ApiUrl'))).toEqual(['ApiUrl']);
  });

  it('passes cdk-nag AwsSolutions with every finding fixed or acknowledged', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('encrypts every log group with the monitoring key and gives it the stage retention', () => {
    const logGroups = resourcesOf('AWS::Logs::LogGroup');
    const [keyId] = Object.keys(synthesized.template.findResources('AWS::KMS::Key'));

    expect(logGroups.length).toBeGreaterThanOrEqual(2);
    for (const [, logGroup] of logGroups) {
      expect(logGroup.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
      expect(logGroup.Properties.RetentionInDays).toBe(14);
      expect(logGroup.DeletionPolicy).toBe('Delete');
    }
  });

  it('warns at synth that dead letters also go to Slack in a stage without e-mail addresses', () => {
    const warnings = synthesized.validationReport.pluginReports.flatMap((report) => report.violations);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        ruleName: 'Annotation::signupflow:dead-letters-without-email',
        severity: 'warning',
      }),
    );
  });

  it('rotates the key', () => {
    synthesized.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('lets CloudWatch Logs of this region and account use the key', () => {
    synthesized.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
            // dev is bound to its account and region (lib/stages.ts)
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Action: Match.arrayWith(['kms:Encrypt*', 'kms:GenerateDataKey*']),
            Condition: {
              ArnLike: {
                'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*',
              },
            },
          }),
        ]),
      },
    });
  });

  it('lets SNS deliver to the dead-letter queue encrypted with the key', () => {
    synthesized.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('lets CloudWatch alarms publish to topics encrypted with the key', () => {
    synthesized.template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('runs every function on arm64 and the newest Node.js runtime, traced, with JSON logs and WARN system logs', () => {
    const functions = projectFunctions();

    expect(functions.length).toBe(6);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Architectures: ['arm64'],
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'DEBUG' },
      });
    }
  });

  it('gives every function the Powertools and Sentry environment', () => {
    for (const [, fn] of projectFunctions()) {
      expect((fn.Properties.Environment as { Variables: Record<string, string> }).Variables).toMatchObject({
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/dev',
        LOG_LEVEL: 'DEBUG',
        SENTRY_ENVIRONMENT: 'development',
        GIT_COMMIT_SHA: expect.any(String),
      });
    }
  });

  it('gives every function its errors, throttles and p99 duration alarms', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    const migrator = new TemplateNetwork(synthesized.template).functionId('schema-migrator');
    // The schema migrator's failure fails the deploy, where it is seen: it has no alarms.
    for (const [id, fn] of projectFunctions().filter(([functionId]) => functionId !== migrator)) {
      const timeoutMs = (fn.Properties.Timeout as number) * 1_000;
      const ofFunction = alarms.filter((alarm) =>
        JSON.stringify(alarm.Dimensions ?? []).includes(`"Ref":"${id}"`),
      );
      expect(ofFunction.map((alarm) => alarm.MetricName).sort()).toEqual(
        expect.arrayContaining(['Duration', 'Errors', 'Throttles']),
      );
      expect(ofFunction.find((alarm) => alarm.MetricName === 'Duration')).toMatchObject({
        ExtendedStatistic: 'p99',
        Threshold: timeoutMs * 0.8,
      });
    }
  });

  it('logs the provider framework that calls the schema migrator as JSON to an encrypted group of the stack', () => {
    const framework = resourcesOf('AWS::Lambda::Function').filter(
      ([, fn]) =>
        (fn.Properties.Environment as { Variables?: Record<string, unknown> })?.Variables
          ?.USER_ON_EVENT_FUNCTION_ARN,
    );
    expect(framework).toHaveLength(1);
    const logging = framework[0]?.[1].Properties.LoggingConfig as {
      LogGroup: { Ref: string };
      LogFormat: string;
    };
    expect(logging.LogFormat).toBe('JSON');
    expect(synthesized.template.toJSON().Resources[logging.LogGroup.Ref].Properties).toMatchObject({
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^MonitoringKey/), 'Arn'] },
      RetentionInDays: 14,
    });
  });

  it('attaches no AWS-managed policy to a function role', () => {
    for (const [, role] of resourcesOf('AWS::IAM::Role')) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('serves the API on an HTTP API with throttling and access logs', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: ACCESS_LOG_FORMAT },
    });
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /api/events' });
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/trigger-test-error',
      AuthorizationType: 'NONE',
    });
  });

  it('gives the API function the database endpoint and the password secret by ARN, never the password', () => {
    const [secretId] = Object.keys(synthesized.template.findResources('AWS::SecretsManager::Secret')).filter(
      (id) => id.startsWith('DatabasePasswordSecret'),
    );
    const apiFunction = resourcesOf('AWS::Lambda::Function').find(([id]) => id.startsWith('ApiApiFunction'));
    const environment = apiFunction?.[1].Properties.Environment as { Variables: Record<string, unknown> };
    expect(environment.Variables).toMatchObject({
      DATABASE_HOST: 'signupflow-dev.cluster-c9akciq32.eu-west-1.rds.amazonaws.com',
      DATABASE_PORT: '5432',
      DATABASE_NAME: 'signupflow',
      DATABASE_USER: 'signupflow_monitor',
      DATABASE_PASSWORD_SECRET_ARN: { Ref: secretId },
    });
    synthesized.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }),
      SecretString: Match.absent(),
    });
    synthesized.template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: { Ref: secretId },
          }),
        ]),
      },
    });
  });

  it('makes every alarm notify on ALARM and on OK', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm');
    const [alertTopicId] = Object.keys(synthesized.template.findResources('AWS::SNS::Topic')).filter((id) =>
      id.startsWith('AlertingAlertTopic'),
    );

    expect(alarms.length).toBeGreaterThanOrEqual(10);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
      // Dev has no e-mail addresses, so even the dead-letter alarm goes to the alert topic (production's goes
      // to e-mail only: test/lib/alerting.test.ts).
      expect(alarm.Properties.AlarmActions).toContainEqual({ Ref: alertTopicId });
    }
  });

  it('draws the key metrics and every alarm on one dashboard', () => {
    const [dashboard] = resourcesOf('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard?.[1].Properties.DashboardBody);

    expect(dashboard?.[1].Properties.DashboardName).toBe('signupflow-dev');
    for (const metric of [
      'http_request_duration_seconds',
      'db_query_duration_seconds',
      'db_connections_active',
      'health_check_healthy',
      'slack_notifications_total',
    ]) {
      expect(body).toMatch(
        new RegExp(`SEARCH\\('\\{SignUpFlow/dev,service[^}]*\\} MetricName=[\\\\"]+${metric}`),
      );
    }
    expect(body).toContain('100 * SUM(errors) / SUM(requests)');
    // Requests are counted as the durations' SampleCount: no metric of their own
    expect(body).not.toContain('http_requests_total');
    // Requests by route, and both sides of the 5xx rate
    expect(body.match(/MetricName=[\\"]+http_request_duration_seconds[^']*', 'SampleCount'/g)).toHaveLength(
      3,
    );
    const alarmIds = resourcesOf('AWS::CloudWatch::Alarm').map(([id]) => id);
    for (const id of alarmIds) expect(body).toContain(`"${id}","Arn"`);
  });
});
