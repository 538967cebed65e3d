import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config';
import { DeployRoleStack, type DeployRoleStackProps } from '../../lib/deploy-role-stack';
import { cdkJsonContext, synthesizeStack } from '../support/synth';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const PROVIDER_ARN = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';

function templateOf(props: Partial<DeployRoleStackProps> = {}): Template {
  const app = new App({ context: cdkJsonContext() });
  const stack = new DeployRoleStack(app, 'DeployRole', {
    env: ENV,
    githubRepository: 'acme/signupflow-monitoring',
    deployEnvironments: ['staging', 'production'],
    ...props,
  });
  return Template.fromStack(stack);
}

function bootstrapRole(kind: string): string {
  return `arn:aws:iam::123456789012:role/cdk-hnb659fds-${kind}-role-123456789012-eu-west-1`;
}

describe('DeployRoleStack', () => {
  let template: Template;

  beforeAll(() => {
    template = templateOf();
  });

  it("creates GitHub's OIDC provider for STS", () => {
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('lets only jobs of the deploy environments of the repository assume the deploy role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('^GitHub Actions deploys'),
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRoleWithWebIdentity',
            Principal: { Federated: { Ref: Match.stringLikeRegexp('^GitHubOidc') } },
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': [
                  'repo:acme/signupflow-monitoring:environment:staging',
                  'repo:acme/signupflow-monitoring:environment:production',
                ],
              },
            },
          },
        ],
      },
    });
  });

  it('lets the deploy role assume the four bootstrap roles cdk deploy uses, and nothing else', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DeployRole') }],
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Resource: ['deploy', 'file-publishing', 'image-publishing', 'lookup'].map(bootstrapRole),
          },
        ],
      },
    });
  });

  it('lets only pull requests of the repository assume the diff role', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      Description: Match.stringLikeRegexp('cdk diff on pull requests'),
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              StringEquals: {
                'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
                'token.actions.githubusercontent.com:sub': ['repo:acme/signupflow-monitoring:pull_request'],
              },
            },
          }),
        ],
      },
    });
  });

  it('lets the diff role assume the lookup role only', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DiffRole') }],
      PolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: bootstrapRole('lookup') }],
      },
    });
  });

  it('attaches no managed policy and grants nothing else', () => {
    template.resourceCountIs('AWS::IAM::Policy', 2);
    expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('ManagedPolicyArns');
  });

  it('trusts an existing OIDC provider by ARN instead of creating a second one', () => {
    const imported = templateOf({ oidcProviderArn: PROVIDER_ARN });

    imported.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    imported.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Federated: PROVIDER_ARN } })],
      },
    });
  });

  it('follows the bootstrap qualifier', () => {
    const qualified = templateOf({ bootstrapQualifier: 'team1' });

    qualified.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^DiffRole') }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Resource: 'arn:aws:iam::123456789012:role/cdk-team1-lookup-role-123456789012-eu-west-1',
          }),
        ],
      },
    });
  });

  it.each([
    ['a wildcard', 'acme/*'],
    ['a subject suffix', 'acme/repo:ref:refs/heads/feature'],
    ['no owner', 'signupflow-monitoring'],
    ['an empty string', ''],
  ])('refuses a repository with %s', (_case, githubRepository) => {
    expect(() => templateOf({ githubRepository })).toThrow(ConfigError);
  });

  it('refuses an empty list of deploy environments', () => {
    expect(() => templateOf({ deployEnvironments: [] })).toThrow(ConfigError);
  });
});

describe('DeployRoleStack in the app', () => {
  it('is synthesized beside the stage stack, trusting -c githubRepository and every stage but dev', () => {
    const synthesized = synthesizeStack('dev', { githubRepository: 'acme/from-context' });
    try {
      const deployRoleStack = synthesized.stack.node.root.node.findChild('SignUpFlowDeployRole') as Stack;

      Template.fromStack(deployRoleStack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            Match.objectLike({
              Condition: {
                StringEquals: Match.objectLike({
                  'token.actions.githubusercontent.com:sub': [
                    'repo:acme/from-context:environment:staging',
                    'repo:acme/from-context:environment:production',
                  ],
                }),
              },
            }),
          ],
        },
      });
      expect(synthesized.nagFindings).toEqual([]);
    } finally {
      synthesized.cleanup();
    }
  }, 60_000);
});
