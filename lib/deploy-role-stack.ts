import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ConfigError } from './config';

export const DEPLOY_ROLE_STACK_ID = 'SignUpFlowDeployRole';
/** The repository the roles trust when `-c githubRepository=OWNER/NAME` names none. */
export const DEFAULT_GITHUB_REPOSITORY = 'signupflow/signupflow-monitoring';
/** `cdk bootstrap`'s default qualifier: its roles are named `cdk-hnb659fds-<kind>-role-<account>-<region>`. */
export const DEFAULT_BOOTSTRAP_QUALIFIER = 'hnb659fds';

const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
const STS_AUDIENCE = 'sts.amazonaws.com';
// GitHub's rules for owner and repository names; anything else would widen or break the trusted subject.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const QUALIFIER = /^[a-z0-9]{1,10}$/;

export interface DeployRoleStackProps extends StackProps {
  /** `OWNER/NAME` of the GitHub repository whose workflows may assume the roles. */
  readonly githubRepository: string;
  /** The GitHub environments (one per deployed stage) whose jobs may deploy. */
  readonly deployEnvironments: readonly string[];
  /** An existing GitHub OIDC provider of the account (there can be only one per URL); else one is created. */
  readonly oidcProviderArn?: string;
  /** The bootstrap qualifier (`cdk bootstrap --qualifier`); default `hnb659fds`. */
  readonly bootstrapQualifier?: string;
}

/**
 * What GitHub Actions needs to deploy the stages, deployed once by hand (README, "Deploy"): the GitHub OIDC
 * provider, a deploy role that jobs of the deploy environments assume, and a read-only diff role for pull
 * requests. Neither role can do anything but assume the CDK bootstrap roles, which hold the real permissions.
 */
export class DeployRoleStack extends Stack {
  readonly deployRole: iam.Role;
  readonly diffRole: iam.Role;

  constructor(scope: Construct, id: string, props: DeployRoleStackProps) {
    super(scope, id, props);
    const repository = validRepository(props.githubRepository);
    const qualifier = validQualifier(props.bootstrapQualifier ?? DEFAULT_BOOTSTRAP_QUALIFIER);
    if (props.deployEnvironments.length === 0) throw new ConfigError('deployEnvironments: name at least one');

    const providerArn = props.oidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', props.oidcProviderArn).oidcProviderArn
      : new iam.OidcProviderNative(this, 'GitHubOidc', {
          url: `https://${GITHUB_OIDC_ISSUER}`,
          clientIds: [STS_AUDIENCE],
        }).oidcProviderArn;

    this.deployRole = new iam.Role(this, 'DeployRole', {
      description: `GitHub Actions deploys of ${repository} (environments ${props.deployEnvironments.join(', ')})`,
      assumedBy: githubPrincipal(
        providerArn,
        props.deployEnvironments.map((environment) => `repo:${repository}:environment:${environment}`),
      ),
    });
    this.deployRole.addToPolicy(
      assumeBootstrapRoles(this, qualifier, ['deploy', 'file-publishing', 'image-publishing', 'lookup']),
    );

    this.diffRole = new iam.Role(this, 'DiffRole', {
      description: `GitHub Actions cdk diff on pull requests of ${repository} (read-only)`,
      assumedBy: githubPrincipal(providerArn, [`repo:${repository}:pull_request`]),
    });
    this.diffRole.addToPolicy(assumeBootstrapRoles(this, qualifier, ['lookup']));

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.deployRole.roleArn,
      description: 'Repository variable AWS_DEPLOY_ROLE_ARN',
    });
    new CfnOutput(this, 'DiffRoleArn', {
      value: this.diffRole.roleArn,
      description: 'Repository variable AWS_DIFF_ROLE_ARN',
    });
  }
}

/** Only GitHub's tokens, minted for STS, with one of the exact subjects (no wildcards). */
function githubPrincipal(providerArn: string, subjects: string[]): iam.WebIdentityPrincipal {
  return new iam.WebIdentityPrincipal(providerArn, {
    StringEquals: {
      [`${GITHUB_OIDC_ISSUER}:aud`]: STS_AUDIENCE,
      [`${GITHUB_OIDC_ISSUER}:sub`]: subjects,
    },
  });
}

function assumeBootstrapRoles(stack: Stack, qualifier: string, kinds: string[]): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['sts:AssumeRole'],
    resources: kinds.map((kind) =>
      stack.formatArn({
        service: 'iam',
        region: '',
        resource: 'role',
        resourceName: `cdk-${qualifier}-${kind}-role-${stack.account}-${stack.region}`,
      }),
    ),
  });
}

function validRepository(repository: string): string {
  if (!REPOSITORY.test(repository)) {
    throw new ConfigError(`githubRepository: must be OWNER/NAME of a GitHub repository, got "${repository}"`);
  }
  return repository;
}

function validQualifier(qualifier: string): string {
  if (!QUALIFIER.test(qualifier)) {
    throw new ConfigError(
      `bootstrapQualifier: must be 1 to 10 lowercase letters or digits, got "${qualifier}"`,
    );
  }
  return qualifier;
}
