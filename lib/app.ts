import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadStageConfig } from './config';
import { SignUpFlowMonitoringStack, stackIdFor } from './signupflow-monitoring-stack';

/** The CDK app: the stage chosen with `-c stage=NAME`, its stack, and cdk-nag's AwsSolutions checks. */
export function createApp(props?: AppProps): { app: App; stack: SignUpFlowMonitoringStack } {
  const app = new App(props);
  const config = loadStageConfig(app.node.tryGetContext('stage') ?? 'dev');
  const stack = new SignUpFlowMonitoringStack(app, stackIdFor(config), {
    config,
    description: `SignUpFlow API and monitoring (${config.stage})`,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    tags: { service: config.serviceName, stage: config.stage },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
