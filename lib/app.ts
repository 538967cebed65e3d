import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from './config';
import { DEFAULT_GITHUB_REPOSITORY, DEPLOY_ROLE_STACK_ID, DeployRoleStack } from './deploy-role-stack';
import { SignUpFlowMonitoringStack, stackIdFor } from './signupflow-monitoring-stack';
import { HAND_DEPLOYED_STAGES, STAGES } from './stages';

/**
 * The CDK app: the stage chosen with `-c stage=NAME`, its stack, the deploy role stack that GitHub Actions
 * assumes (README, "Deploy"), and cdk-nag's AwsSolutions checks on both.
 */
export function createApp(props?: AppProps): {
  app: App;
  stack: SignUpFlowMonitoringStack;
  deployRoleStack: DeployRoleStack;
} {
  const app = new App(props);
  const config = loadStageConfig(app.node.tryGetContext('stage') ?? 'dev');
  const stack = new SignUpFlowMonitoringStack(app, stackIdFor(config), {
    config,
    description: `SignUpFlow API and monitoring (${config.stage})`,
    env: {
      account: config.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: config.region ?? process.env.CDK_DEFAULT_REGION,
    },
    tags: { service: config.serviceName, stage: config.stage },
  });
  const deployRoleStack = new DeployRoleStack(app, DEPLOY_ROLE_STACK_ID, {
    description: 'GitHub Actions OIDC roles that deploy SignUpFlow monitoring (deployed once by hand)',
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    githubRepository: app.node.tryGetContext('githubRepository') ?? DEFAULT_GITHUB_REPOSITORY,
    // Every stage the pipeline deploys: not those people deploy from their own machines.
    deployEnvironments: Object.keys(STAGES).filter((stage) => !HAND_DEPLOYED_STAGES.includes(stage)),
    oidcProviderArn: app.node.tryGetContext('githubOidcProviderArn'),
    bootstrapQualifier: app.node.tryGetContext('@aws-cdk/core:bootstrapQualifier'),
    tags: { service: config.serviceName },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, deployRoleStack };
}
