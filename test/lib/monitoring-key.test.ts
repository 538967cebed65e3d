import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { MonitoringKey } from '../../lib/monitoring-key';
import { cdkJsonContext } from '../support/synth';

/** A missing or too broad key-policy statement fails only at deploy (or never): each is asserted here. */
describe('MonitoringKey policy', () => {
  let template: Template;

  beforeAll(() => {
    const app = new App({ context: cdkJsonContext() });
    const stack = new Stack(app, 'Key', { env: { account: '123456789012', region: 'eu-west-1' } });
    new MonitoringKey(stack, 'MonitoringKey', { config: loadStageConfig('dev') });
    template = Template.fromStack(stack);
  });

  it("lets only this account's CloudWatch alarms use the key for encrypted topics", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowCloudWatchAlarmsToPublishToEncryptedTopics',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*' },
            },
          },
        ]),
      },
    });
  });

  it("lets only this account's EventBridge rules dead-letter into queues encrypted with the key", () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'AllowEventBridgeRulesToDeadLetterIntoEncryptedQueues',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:events:eu-west-1:123456789012:rule/*' },
            },
          },
        ]),
      },
    });
  });
});
