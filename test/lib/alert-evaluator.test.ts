import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';

describe('AlertEvaluator', () => {
  let synthesized: SynthesizedStack;
  let template: Template;
  let functionLogicalId: string;
  let roleLogicalId: string;
  let topicLogicalId: string;

  beforeAll(() => {
    synthesized = synthesizeStack('dev');
    template = synthesized.template;
    const stack = synthesized.stack;
    functionLogicalId = stack.getLogicalId(stack.evaluator.evaluatorFunction.node.defaultChild as never);
    roleLogicalId = stack.getLogicalId(stack.evaluator.evaluatorFunction.role?.node.defaultChild as never);
    topicLogicalId = stack.getLogicalId(stack.alerting.topic.node.defaultChild as never);
  });
  afterAll(() => synthesized.cleanup());

  it('runs every ALERT_EVALUATION_INTERVAL from an EventBridge schedule, retrying a run it could not start', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [functionLogicalId, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 },
          DeadLetterConfig: { Arn: Match.anyValue() },
        }),
      ],
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'signupflow-dev-alert-evaluator-schedule-dlq',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signupflow-dev-alert-evaluator-schedule-dead-letters',
      AlarmActions: Match.arrayWith([{ Ref: topicLogicalId }]),
    });
  });

  it('knows the topic, the API, the functions and the dead-letter queue, and ends before the next run', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'index.handler',
      Timeout: 50,
      ReservedConcurrentExecutions: 2,
      Environment: {
        Variables: Match.objectLike({
          ALERT_TOPIC_ARN: { Ref: topicLogicalId },
          ALERT_EVALUATION_INTERVAL: '60',
          METRICS_EXPORT_EVERY_MINUTES: '5',
          HTTP_API_ID: Match.anyValue(),
          MONITORED_FUNCTIONS: Match.anyValue(),
          NOTIFIER_DEAD_LETTER_QUEUE_NAME: Match.anyValue(),
          DATABASE_PASSWORD_SECRET_ARN: Match.anyValue(),
          POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/dev',
          REDIS_HOST: 'master.signupflow-dev.x1yz2a.euw1.cache.amazonaws.com',
          REDIS_TLS: 'true',
        }),
      },
      Role: { 'Fn::GetAtt': [roleLogicalId, 'Arn'] },
    });
  });

  it('may read metrics, publish to the one topic and read its secrets, and nothing else', () => {
    const policies = template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: roleLogicalId }] },
    });
    const statements = Object.values(policies).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
    const actions = statements.flatMap((statement) => [statement.Action].flat());
    expect(actions.sort()).toEqual(
      [
        'cloudwatch:GetMetricData',
        'cloudwatch:ListMetrics',
        // Lambda's network interfaces in the VPC
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
        'kms:Decrypt',
        'kms:GenerateDataKey*',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
        'sns:Publish',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statements.find((statement) => statement.Action === 'sns:Publish')?.Resource).toEqual({
      Ref: topicLogicalId,
    });
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('watches itself: runs that fail or stop raise an alarm on the alert topic, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'signupflow-dev-alert-evaluator-not-running',
      MetricName: 'alert_evaluation_duration_seconds',
      Namespace: 'SignUpFlow/dev',
      Statistic: 'SampleCount',
      Period: 60,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'breaching',
      AlarmActions: Match.arrayWith([{ Ref: topicLogicalId }]),
    });
    for (const name of ['rules-in-error', 'publish-failing', 'errors']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `signupflow-dev-alert-evaluator-${name}`,
        AlarmActions: Match.arrayWith([{ Ref: topicLogicalId }]),
      });
    }
  });

  it('reads a failure metric that has no data as no failure: a run writes one only when it fails', () => {
    for (const [name, metricName] of [
      ['rules-in-error', 'alert_rules_in_error'],
      ['publish-failing', 'alert_notifications_failed'],
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `signupflow-dev-alert-evaluator-${name}`,
        MetricName: metricName,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        TreatMissingData: 'notBreaching',
      });
    }
  });
});
