import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, AspectPriority, Aspects, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmNotifications } from '../../lib/alarm-notifications';
import { loadStageConfig } from '../../lib/config';
import { MonitoringKey } from '../../lib/monitoring-key';
import { runbookUrl } from '../../lib/runbook';
import { ScheduledTarget } from '../../lib/scheduled-target';
import { cdkJsonContext } from '../support/synth';

type Resource = { Properties: Record<string, unknown> };

/** A schedule of a plain function through ScheduledTarget, in a stack whose alarms notify an alert topic. */
describe('ScheduledTarget', () => {
  let outdir: string;
  let template: Template;
  const ids = (type: string) => Object.keys(template.findResources(type));

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'scheduled-target-test-'));
    const app = new App({ outdir, context: cdkJsonContext() });
    const stack = new Stack(app, 'Scheduled', { env: { account: '123456789012', region: 'eu-west-1' } });
    const config = loadStageConfig('dev');
    const key = new MonitoringKey(stack, 'MonitoringKey', { config }).key;
    const topic = new sns.Topic(stack, 'AlertTopic', { masterKey: key, enforceSSL: true });
    const fn = new lambda.Function(stack, 'Evaluator', {
      runtime: lambda.Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline('exports.handler = async () => {};'),
      role: new iam.Role(stack, 'EvaluatorRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      }),
    });
    const scheduled = new ScheduledTarget(stack, 'EvaluatorTarget', {
      config,
      key,
      fn,
      name: 'alert-evaluator',
    });
    new events.Rule(stack, 'EvaluatorSchedule', {
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [scheduled.target],
    });
    Aspects.of(stack).add(new AlarmNotifications(topic), { priority: AspectPriority.MUTATING });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    app.synth(); // throws on any unacknowledged cdk-nag finding
    template = Template.fromStack(stack);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('retries a failed delivery twice within a minute, then dead-letters the event', () => {
    const [queueId] = ids('AWS::SQS::Queue');
    template.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } },
        }),
      ],
    });
  });

  it('encrypts the dead-letter queue with the stack key, keeps events 14 days, and lets only the rule send', () => {
    const [keyId] = ids('AWS::KMS::Key');
    const [ruleId] = ids('AWS::Events::Rule');
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'signupflow-dev-alert-evaluator-dlq',
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('alarms on any visible dead letter and notifies the alert topic on ALARM and OK', () => {
    const [queueId] = ids('AWS::SQS::Queue');
    const [topicId] = ids('AWS::SNS::Topic');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signupflow-dev-alert-evaluator-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
    const [alarm] = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(String(alarm?.Properties.AlarmDescription)).toContain(runbookUrl('scheduledTargetDeadLetters'));
  });
});
