import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { DatabaseAccess } from '../../lib/database-access';
import { MonitoringKey } from '../../lib/monitoring-key';

describe('database access to a secret the stage names', () => {
  // Prepare: a partial ARN (no 6-character suffix) on a customer-managed key, as an RDS-managed secret may be.
  const production = loadStageConfig('production');
  const config = {
    ...production,
    database: {
      ...production.database,
      passwordSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-signupflow',
      passwordSecretKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  };
  const stack = new Stack(new App(), 'DatabaseAccess', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const key = new MonitoringKey(stack, 'MonitoringKey', { config }).key;
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  // Act
  new DatabaseAccess(stack, 'Database', { config, key }).grantRead(role);
  const template = Template.fromStack(stack);

  it('creates no secret and grants the partial ARN with the suffix wildcard', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-signupflow-??????',
          }),
        ]),
      },
    });
  });

  it("lets the reader decrypt with the secret's own key", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'kms:Decrypt',
            Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          }),
        ]),
      },
    });
  });
});
