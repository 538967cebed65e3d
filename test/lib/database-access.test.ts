import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { stackParts } from '../support/stack-parts';

describe('database access to a secret the stage names', () => {
  // Prepare: an RDS-managed secret (complete ARN) on the database team's customer-managed key.
  const secretArn =
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-3f8e1c2a-4b5d-4e6f-8a9b-0c1d2e3f4a5b-Q7pLmN';
  const production = loadStageConfig('production');
  const config = {
    ...production,
    database: {
      ...production.database,
      passwordSecretArn: secretArn,
      passwordSecretKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  };
  const stack = new Stack(new App(), 'DatabaseAccess', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const { database } = stackParts(stack, config);
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });

  // Act
  database.grantRead(role);
  const template = Template.fromStack(stack);

  it('creates no secret and grants exactly the complete ARN', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(production.database.source).toBe('existing');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: secretArn,
          }),
        ]),
      },
    });
  });

  it("lets the reader decrypt with the secret's own key only through Secrets Manager in the secret's region", () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: 'kms:Decrypt',
            Effect: 'Allow',
            Resource: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
            Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
          },
        ]),
      },
    });
  });
});
