import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import { MonitoringKey } from './monitoring-key';
import { SignUpFlowApi } from './signupflow-api';

export interface SignUpFlowMonitoringStackProps extends StackProps {
  config: StageConfig;
}

export function stackIdFor(config: StageConfig): string {
  return `SignUpFlowMonitoring-${config.stage}`;
}

/** SignUpFlow's API and its monitoring: one stack per stage. */
export class SignUpFlowMonitoringStack extends Stack {
  readonly key: MonitoringKey;
  readonly api: SignUpFlowApi;

  constructor(scope: Construct, id: string, props: SignUpFlowMonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new MonitoringKey(this, 'MonitoringKey', { config });
    this.api = new SignUpFlowApi(this, 'Api', { config, key: this.key.key });
  }
}
