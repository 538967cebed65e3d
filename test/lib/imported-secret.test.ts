import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { describe, expect, it } from 'vitest';
import { importSecret, isCompleteSecretArn } from '../../lib/imported-secret';

const ARN_PREFIX = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:';

/** The IAM resource a function reading `arn` is granted. */
function grantedResource(arn: string): unknown {
  const stack = new Stack(new App(), 'ImportedSecret', {
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  importSecret(stack, 'Secret', arn).grantRead(role);
  const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  return policy?.Properties.PolicyDocument.Statement[0].Resource;
}

describe('a secret imported by ARN', () => {
  it.each([
    [
      'signupflow/db-secret, a path-like name ending in a hyphen and 6 letters',
      'signupflow/db-secret-AbC123',
    ],
    ['db-secret-abcdef, a name that itself ends like a suffix', 'db-secret-abcdef-Xy9Z8w'],
    ['an RDS-managed secret', 'rds!cluster-3f8e1c2a-4b5d-4e6f-8a9b-0c1d2e3f4a5b-Q7pLmN'],
  ])('grants exactly the complete ARN of %s', (_name, resource) => {
    // Act
    const granted = grantedResource(`${ARN_PREFIX}${resource}`);

    // Assess: no wildcard, which could also match another secret
    expect(granted).toBe(`${ARN_PREFIX}${resource}`);
  });

  it.each([
    ['a partial ARN', `${ARN_PREFIX}rds!cluster-signupflow`],
    ['a partial ARN with a short last word', `${ARN_PREFIX}signupflow/db-pass`],
    ['a bare name', 'signupflow/db-secret'],
    ['a suffix with a character Secrets Manager never adds', `${ARN_PREFIX}db-secret-AbC12_`],
    ['a suffix and no name', `${ARN_PREFIX}-AbC123`],
  ])('refuses %s, which IAM or Secrets Manager would not resolve to the secret', (_case, arn) => {
    expect(isCompleteSecretArn(arn)).toBe(false);
    expect(() => grantedResource(arn)).toThrow(/is not a complete secret ARN/);
  });
});
