import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlertEvaluator } from './alert-evaluator';
import { Alerting } from './alerting';
import type { StageConfig } from './config';
import { DatabaseAccess } from './database-access';
import { HealthCheck } from './health-check';
import { MetricsExporter } from './metrics-exporter';
import { MonitoringDashboard } from './monitoring-dashboard';
import { MonitoringKey } from './monitoring-key';
import { SignUpFlowApi } from './signupflow-api';
import { createVpcPlacement } from './vpc-placement';

export interface SignUpFlowMonitoringStackProps extends StackProps {
  config: StageConfig;
}

export { stackIdFor } from './deployed-names';

/** SignUpFlow's API and its monitoring: one stack per stage. */
export class SignUpFlowMonitoringStack extends Stack {
  readonly key: MonitoringKey;
  readonly api: SignUpFlowApi;
  readonly health: HealthCheck;
  readonly alerting: Alerting;
  readonly evaluator: AlertEvaluator;
  readonly metricsExporter: MetricsExporter;
  readonly dashboard: MonitoringDashboard;

  constructor(scope: Construct, id: string, props: SignUpFlowMonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new MonitoringKey(this, 'MonitoringKey', { config });
    const key = this.key.key;
    this.alerting = new Alerting(this, 'Alerting', { config, key });
    this.alerting.notifyOnEveryAlarm(this);
    const database = new DatabaseAccess(this, 'Database', { config, key });
    const vpcPlacement = createVpcPlacement(this, config);
    this.api = new SignUpFlowApi(this, 'Api', { config, key, database, vpcPlacement });
    this.health = new HealthCheck(this, 'Health', {
      config,
      key,
      httpApi: this.api.httpApi,
      publicRoute: this.api.publicRoute.bind(this.api),
      database,
      vpcPlacement,
    });
    this.metricsExporter = new MetricsExporter(this, 'MetricsExporter', {
      config,
      key,
      httpApi: this.api.httpApi,
      publicRoute: this.api.publicRoute.bind(this.api),
      vpcPlacement,
    });
    this.evaluator = new AlertEvaluator(this, 'AlertEvaluator', {
      config,
      key,
      database,
      vpcPlacement,
      topic: this.alerting.topic,
      httpApi: this.api.httpApi,
      monitoredFunctions: {
        api: this.api.apiFunction,
        health: this.health.healthFunction,
        'slack-notifier': this.alerting.notifier,
        'metrics-exporter': this.metricsExporter.exporterFunction,
      },
      notifierDeadLetterQueue: this.alerting.deadLetterQueue,
    });
    this.dashboard = new MonitoringDashboard(this, 'Dashboard', {
      config,
      functions: [
        { name: 'api', fn: this.api.apiFunction },
        { name: 'health', fn: this.health.healthFunction },
        { name: 'slack-notifier', fn: this.alerting.notifier },
        { name: 'alert-evaluator', fn: this.evaluator.evaluatorFunction },
        { name: 'metrics-exporter', fn: this.metricsExporter.exporterFunction },
      ],
      alarms: [
        this.api.serverErrorRateAlarm,
        ...this.api.apiFunction.alarms,
        ...this.health.alarms,
        ...this.alerting.notifier.alarms,
        this.alerting.deadLetterAlarm,
        ...this.evaluator.alarms,
        ...this.metricsExporter.alarms,
      ],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.stage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'AlertTopicArn', {
      value: this.alerting.topic.topicArn,
      description: 'SNS topic the alert evaluator and every alarm publish to',
    });
    new CfnOutput(this, 'NotifierDeadLetterQueueUrl', {
      value: this.alerting.deadLetterQueue.queueUrl,
      description: 'Alerts that could not be delivered to Slack (docs/MONITORING_RUNBOOK.md)',
    });
    new CfnOutput(this, 'SlackNotifierFunctionName', {
      value: this.alerting.notifier.functionName,
      description: 'The Slack notifier, invoked directly to redrive dead letters',
    });
    new CfnOutput(this, 'MetricsTokenSecretArn', {
      value: this.metricsExporter.tokenSecret.secretArn,
      description:
        'Secret holding the bearer token Prometheus scrapes GET /metrics with (README, "/metrics")',
    });
    new CfnOutput(this, 'DatabasePasswordSecretArn', {
      value: database.passwordSecret.secretArn,
      description: 'Secret holding the Postgres password (key "password") the functions use',
    });
  }
}
