import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AlertEvaluator } from './alert-evaluator';
import { Alerting } from './alerting';
import type { StageConfig } from './config';
import { DataStores } from './data-stores';
import { DatabaseAccess } from './database-access';
import { HealthCheck } from './health-check';
import { MetricsExporter } from './metrics-exporter';
import { MonitoringDashboard } from './monitoring-dashboard';
import { MonitoringKey } from './monitoring-key';
import { MonitoringNetwork } from './monitoring-network';
import { RedisAccess } from './redis-access';
import { SchemaMigration } from './schema-migration';
import { SignUpFlowApi } from './signupflow-api';

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
  readonly network: MonitoringNetwork;
  readonly dataStores: DataStores;
  readonly schemaMigration: SchemaMigration;

  constructor(scope: Construct, id: string, props: SignUpFlowMonitoringStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new MonitoringKey(this, 'MonitoringKey', { config });
    const key = this.key.key;
    this.alerting = new Alerting(this, 'Alerting', { config, key });
    this.alerting.notifyOnEveryAlarm(this);
    this.network = new MonitoringNetwork(this, 'Network', { config });
    const network = this.network;
    this.dataStores = new DataStores(this, 'DataStores', { config, key, network });
    const database = new DatabaseAccess(this, 'Database', {
      config,
      key,
      endpoint: this.dataStores.postgres,
      adminSecret: this.dataStores.adminSecret,
    });
    const redis = new RedisAccess(this.dataStores.redis, this.dataStores.redisAuth);

    this.schemaMigration = new SchemaMigration(this, 'SchemaMigration', {
      config,
      key,
      database,
      vpcPlacement: network.placementFor({ postgres: true }),
      after: [network, ...this.dataStores.readiness],
    });
    this.api = new SignUpFlowApi(this, 'Api', {
      config,
      key,
      database,
      vpcPlacement: network.placementFor({ postgres: true }),
    });
    this.health = new HealthCheck(this, 'Health', {
      config,
      key,
      httpApi: this.api.httpApi,
      publicRoute: this.api.publicRoute.bind(this.api),
      database,
      redis,
      vpcPlacement: network.placementFor({ postgres: true, redis: true }),
    });
    this.metricsExporter = new MetricsExporter(this, 'MetricsExporter', {
      config,
      key,
      httpApi: this.api.httpApi,
      publicRoute: this.api.publicRoute.bind(this.api),
      redis,
      vpcPlacement: network.placementFor({ redis: true }),
    });
    this.evaluator = new AlertEvaluator(this, 'AlertEvaluator', {
      config,
      key,
      database,
      redis,
      vpcPlacement: network.placementFor({ postgres: true, redis: true, influxDb: true }),
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
    // Every grant is made: the endpoints follow what the VPC functions call, and the schema comes first.
    const schemaUsers = [this.api.apiFunction, this.health.healthFunction, this.evaluator.evaluatorFunction];
    network.createEndpoints([
      this.schemaMigration.migratorFunction,
      ...schemaUsers,
      this.metricsExporter.exporterFunction,
    ]);
    this.schemaMigration.appliedBefore(...schemaUsers);

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
    new CfnOutput(this, 'SlackNotifierLogGroupName', {
      value: this.alerting.notifier.functionLogGroup.logGroupName,
      description: "The Slack notifier's log, where npm run verify finds the test alert delivered",
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
    new CfnOutput(this, 'DatabaseHost', {
      value: this.dataStores.postgres.host,
      description: 'The Postgres endpoint the functions connect to',
    });
    new CfnOutput(this, 'DatabasePort', { value: String(this.dataStores.postgres.port) });
    new CfnOutput(this, 'DatabasePasswordSecretArn', {
      value: database.passwordSecret.secretArn,
      description: 'Secret holding the Postgres password (key "password") the functions use',
    });
    new CfnOutput(this, 'FunctionNames', {
      value: Stack.of(this).toJsonString(functionNames(this)),
      description:
        'Every function of the stack by its lambdas/ folder: npm run verify invokes each for its self-test',
    });
  }
}

/** `lambdas/<folder>` → deployed function name, the map `npm run verify` reads (`SELF_TESTED_FUNCTIONS`). */
function functionNames(stack: SignUpFlowMonitoringStack): Record<string, string> {
  return {
    api: stack.api.apiFunction.functionName,
    health: stack.health.healthFunction.functionName,
    'alert-evaluator': stack.evaluator.evaluatorFunction.functionName,
    'metrics-exporter': stack.metricsExporter.exporterFunction.functionName,
    'slack-notifier': stack.alerting.notifier.functionName,
    'schema-migrator': stack.schemaMigration.migratorFunction.functionName,
  };
}
