import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Alerting } from '../../lib/alerting';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { MonitoringKey } from '../../lib/monitoring-key';
import { cdkJsonContext } from '../support/synth';

type Resource = { Type: string; Properties: Record<string, unknown> };

const IMPORTED_SECRET_ARN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/production/slack-alerts-AbCdEf';

/** Production's routing (two webhooks by severity, one e-mail address); one webhook secret is brought along. */
function productionConfig(): StageConfig {
  const config = loadStageConfig('production');
  return {
    ...config,
    slack: {
      ...config.slack,
      webhooks: [
        {
          channel: '#signupflow-alerts',
          severities: ['warning', 'info'],
          webhookSecretArn: IMPORTED_SECRET_ARN,
        },
        { channel: '#signupflow-oncall', severities: ['critical'] },
      ],
    },
  };
}

describe('Alerting', () => {
  let template: Template;
  let validationReport: { pluginReports: unknown[] };
  let outdir: string;
  let refs: {
    topic: string;
    failureTopic: string;
    queue: string;
    key: string;
    createdSecret: string;
    notifierRole: string;
    dlqAlarm: string;
    otherAlarm: string;
  };

  beforeAll(() => {
    // Prepare: the construct in a stack of its own, an unrelated alarm beside it, and cdk-nag watching.
    outdir = mkdtempSync(path.join(os.tmpdir(), 'signupflow-alerting-'));
    const app = new App({ outdir, context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'AlertingTest', { env: { account: '123456789012', region: 'eu-west-1' } });
    const config = productionConfig();
    const key = new MonitoringKey(stack, 'MonitoringKey', { config }).key;
    const alerting = new Alerting(stack, 'Alerting', { config, key });
    const other = new cloudwatch.Alarm(stack, 'OtherAlarm', {
      metric: new cloudwatch.Metric({
        namespace: 'SignUpFlow/production',
        metricName: 'error_rate',
        period: Duration.minutes(5),
      }),
      threshold: 10,
      evaluationPeriods: 1,
    });
    alerting.notifyOnEveryAlarm(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

    // Act
    app.synth();

    template = Template.fromStack(stack);
    validationReport = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
    const id = (construct: { node: { defaultChild?: unknown } } | undefined) =>
      stack.getLogicalId((construct?.node.defaultChild ?? construct) as never);
    refs = {
      topic: id(alerting.topic),
      failureTopic: id(alerting.notifierFailureTopic),
      queue: id(alerting.deadLetterQueue),
      key: id(key),
      createdSecret: id(alerting.webhookSecrets[1] as never),
      notifierRole: id(alerting.notifier.role as never),
      dlqAlarm: id(alerting.deadLetterAlarm),
      otherAlarm: id(other),
    };
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const resources = (type: string) =>
    Object.entries(template.findResources(type) as Record<string, Resource>);

  it('passes cdk-nag AwsSolutions with every finding fixed or acknowledged', () => {
    expect(validationReport.pluginReports).toEqual([]);
  });

  it('encrypts both topics with the stack key, accepts only TLS, and lets this account’s alarms publish', () => {
    for (const topic of [refs.topic, refs.failureTopic]) {
      expect(template.toJSON().Resources[topic].Properties.KmsMasterKeyId).toEqual({
        'Fn::GetAtt': [refs.key, 'Arn'],
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topic }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sns:Publish',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: {
                StringEquals: { 'aws:SourceAccount': '123456789012' },
                ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
              },
            }),
          ]),
        },
      });
    }
  });

  it('subscribes the notifier with the dead-letter queue as the subscription’s redrive target', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: refs.topic },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [refs.queue, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: refs.queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { Ref: refs.topic } } },
          }),
        ]),
      },
    });
  });

  it('keeps failed asynchronous invocations in the same dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 21_600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [refs.queue, 'Arn'] } } },
    });
  });

  it('e-mails the alert topic only for alerts that ask for e-mail, and the failure topic always', () => {
    const emails = resources('AWS::SNS::Subscription').filter(([, s]) => s.Properties.Protocol === 'email');

    expect(emails.map(([, s]) => s.Properties)).toEqual(
      expect.arrayContaining([
        {
          Protocol: 'email',
          Endpoint: 'oncall@signupflow.example',
          TopicArn: { Ref: refs.topic },
          FilterPolicy: { channels: ['email'] },
        },
        { Protocol: 'email', Endpoint: 'oncall@signupflow.example', TopicArn: { Ref: refs.failureTopic } },
      ]),
    );
    expect(emails).toHaveLength(2);
  });

  it('encrypts the dead-letter queue with the stack key, requires TLS and keeps messages 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [refs.key, 'Arn'] },
      MessageRetentionPeriod: 1_209_600,
      MaximumMessageSize: 1_048_576,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: refs.queue }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms on any dead letter, by e-mail only, on ALARM and on OK', () => {
    const alarm = template.toJSON().Resources[refs.dlqAlarm].Properties;

    expect(alarm).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [refs.queue, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmActions).toEqual([{ Ref: refs.failureTopic }]);
    expect(alarm.OKActions).toEqual([{ Ref: refs.failureTopic }]);
  });

  it('makes every other alarm notify the alert topic on ALARM and on OK', () => {
    const alarms = resources('AWS::CloudWatch::Alarm').filter(([id]) => id !== refs.dlqAlarm);

    expect(alarms.map(([id]) => id)).toContain(refs.otherAlarm);
    expect(alarms.length).toBeGreaterThanOrEqual(4);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toContainEqual({ Ref: refs.topic });
      expect(alarm.Properties.OKActions).toContainEqual({ Ref: refs.topic });
    }
    const notifierErrors = alarms.find(
      ([, alarm]) => alarm.Properties.AlarmName === 'signupflow-production-slack-notifier-errors',
    );
    expect(notifierErrors?.[1].Properties.AlarmActions).toContainEqual({ Ref: refs.failureTopic });
    expect(notifierErrors?.[1].Properties.OKActions).toContainEqual({ Ref: refs.failureTopic });
    const others = alarms.filter(
      ([, alarm]) => !String(alarm.Properties.AlarmName).includes('-slack-notifier-'),
    );
    for (const [, alarm] of others) expect(alarm.Properties.OKActions).toEqual([{ Ref: refs.topic }]);
  });

  it('lets the notifier read exactly the webhook secrets, and nothing else in Secrets Manager', () => {
    const statements = resources('AWS::IAM::Policy')
      .filter(
        ([, policy]) =>
          JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: refs.notifierRole }]),
      )
      .flatMap(
        ([, policy]) =>
          (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
    const secretStatements = statements.filter((statement) =>
      JSON.stringify(statement.Action).includes('secretsmanager:'),
    );

    expect(secretStatements.length).toBeGreaterThanOrEqual(1);
    for (const statement of secretStatements) {
      expect(statement.Action).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
    }
    expect(secretStatements.flatMap((statement) => [statement.Resource].flat())).toEqual(
      expect.arrayContaining([IMPORTED_SECRET_ARN, { Ref: refs.createdSecret }]),
    );
    expect(secretStatements.flatMap((statement) => [statement.Resource].flat())).toHaveLength(2);
  });

  it('reserves the stage concurrency for the notifier, so a burst elsewhere cannot throttle alerting', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Posts alerts'),
      ReservedConcurrentExecutions: 5,
    });
  });

  it('passes the routing table with secret ARNs and never a webhook URL', () => {
    const notifiers = resources('AWS::Lambda::Function').filter(([, f]) =>
      JSON.stringify(f.Properties.Environment).includes('SLACK_WEBHOOKS'),
    );
    expect(notifiers).toHaveLength(1);
    const fn = notifiers[0]?.[1] as Resource;
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

    expect(variables.SLACK_ALERT_CHANNEL).toBe('#signupflow-alerts');
    expect(variables.NOTIFIER_DLQ_URL).toEqual({ Ref: refs.queue });
    expect(variables.METRICS_FLUSH_INTERVAL_SECONDS).toBe('0');
    const routes = JSON.stringify(variables.SLACK_WEBHOOKS);
    expect(routes).toContain('\\"channel\\":\\"#signupflow-oncall\\"');
    expect(routes).toContain(IMPORTED_SECRET_ARN);
    expect(routes).toContain(refs.createdSecret);
    expect(fn.Properties.Timeout).toBe(30);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/hooks\.slack(-gov)?\.com/);
  });

  it('creates the missing webhook secret with a generated placeholder, encrypted with the stack key', () => {
    const secrets = resources('AWS::SecretsManager::Secret');

    expect(secrets).toHaveLength(1);
    expect(secrets[0]?.[1].Properties).toMatchObject({
      Name: 'signupflow/production/slack-webhook/signupflow-oncall-critical',
      KmsKeyId: { 'Fn::GetAtt': [refs.key, 'Arn'] },
      GenerateSecretString: {},
    });
    expect(secrets[0]?.[1].Properties).not.toHaveProperty('SecretString');
  });
});
