import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import type { DatabaseAccess } from './database-access';
import { importSecret } from './imported-secret';
import type { VpcPlacement } from './monitoring-network';
import { metricsNamespace, ObservedFunction } from './observed-function';
import type { RedisAccess } from './redis-access';
import { describeAlarm } from './runbook';
import { ScheduledTarget } from './scheduled-target';

export interface AlertEvaluatorProps {
  config: StageConfig;
  key: kms.IKey;
  database: DatabaseAccess;
  redis: RedisAccess;
  /** The private subnets and the groups that reach Postgres, Redis and InfluxDB. */
  vpcPlacement: VpcPlacement;
  /** The alert topic the evaluator publishes to. */
  topic: sns.ITopic;
  /** The HTTP API whose API Gateway metrics `error_rate`, `request_rate` and latency read. */
  httpApi: apigw.IHttpApi;
  /** Functions rules may name in `metric_dimensions.function`: short name to function. */
  monitoredFunctions: Record<string, lambda.IFunction>;
  /** The Slack notifier's dead-letter queue, for `notifier_dead_letters`. */
  notifierDeadLetterQueue: sqs.IQueue;
}

/** Must match `lambdas/alert-evaluator/handler.ts`. */
export const EVALUATOR_METRICS = {
  /** Its SampleCount is the number of runs: one duration per finished run. */
  duration: 'alert_evaluation_duration_seconds',
  rulesInError: 'alert_rules_in_error',
  notificationsFailed: 'alert_notifications_failed',
} as const;

/**
 * The alert evaluator: a function run every ALERT_EVALUATION_INTERVAL by an EventBridge schedule, which
 * reads the rules in Postgres, queries CloudWatch and publishes to the alert topic; and the alarms that
 * watch it (runs that fail or stop, rules that cannot be evaluated, notifications SNS refuses).
 */
export class AlertEvaluator extends Construct {
  readonly evaluatorFunction: ObservedFunction;
  readonly schedule: events.Rule;
  readonly scheduleTarget: ScheduledTarget;
  /** The self-watch alarms and the function's own (errors, throttles, duration). */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: AlertEvaluatorProps) {
    super(scope, id);
    const { config, key, database } = props;
    const interval = Duration.seconds(config.alertEvaluationIntervalSeconds);

    this.evaluatorFunction = new ObservedFunction(this, 'EvaluatorFunction', {
      config,
      key,
      functionDir: 'alert-evaluator',
      description: 'SignUpFlow alert evaluator: rules from Postgres, metrics from CloudWatch, alerts to SNS',
      // A run ends before the next one starts; an overlap is still safe (conditional writes).
      timeout: Duration.seconds(Math.min(50, interval.toSeconds() - 10)),
      environment: {
        ...database.environment,
        ALERT_TOPIC_ARN: props.topic.topicArn,
        ALERT_EVALUATION_INTERVAL: String(interval.toSeconds()),
        HTTP_API_ID: props.httpApi.apiId,
        MONITORED_FUNCTIONS: Stack.of(this).toJsonString(
          Object.fromEntries(
            Object.entries(props.monitoredFunctions).map(([name, fn]) => [name, fn.functionName]),
          ),
        ),
        NOTIFIER_DEAD_LETTER_QUEUE_NAME: props.notifierDeadLetterQueue.queueName,
        EVALUATOR_CLAIM_SECONDS: String(interval.toSeconds() * 2),
        // The metrics export: the /metrics snapshot in Redis, and InfluxDB when the stage configures it.
        METRICS_EXPORT_EVERY_MINUTES: String(config.metricsExportEveryMinutes),
        ...props.redis.environment,
        ...(config.influxdb && {
          INFLUXDB_URL: config.influxdb.url,
          INFLUXDB_ORG: config.influxdb.org,
          INFLUXDB_BUCKET: config.influxdb.bucket,
          INFLUXDB_TOKEN_SECRET_ARN: config.influxdb.tokenSecretArn,
          ...(config.influxdb.readTokenSecretArn && {
            INFLUXDB_READ_TOKEN_SECRET_ARN: config.influxdb.readTokenSecretArn,
          }),
        }),
      },
      vpcPlacement: props.vpcPlacement,
      reservedConcurrency: config.reservedConcurrency?.alertEvaluator,
    });
    database.grantRead(this.evaluatorFunction);
    props.redis.grantRead(this.evaluatorFunction);
    props.topic.grantPublish(this.evaluatorFunction);
    this.evaluatorFunction.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudwatch:GetMetricData', 'cloudwatch:ListMetrics'],
        resources: ['*'],
      }),
    );
    if (config.influxdb) {
      importSecret(this, 'InfluxDbToken', config.influxdb.tokenSecretArn).grantRead(this.evaluatorFunction);
      if (config.influxdb.readTokenSecretArn) {
        importSecret(this, 'InfluxDbReadToken', config.influxdb.readTokenSecretArn).grantRead(
          this.evaluatorFunction,
        );
      }
    }
    const role = Validations.of(this.evaluatorFunction.role as iam.IRole);
    role.acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudwatch:GetMetricData and ListMetrics support no resource-level permissions; the evaluator only reads metrics.',
    });
    role.acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Publishing to the KMS-encrypted alert topic needs data keys of the stack key; the grant names that one key.',
    });

    // A run that EventBridge could not start is worth a retry while it is still this interval's.
    this.scheduleTarget = new ScheduledTarget(this, 'ScheduleTarget', {
      config,
      key,
      fn: this.evaluatorFunction,
      name: 'alert-evaluator-schedule',
      retryAttempts: 2,
      maxEventAge: interval,
    });
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Evaluates the alert rules every ${interval.toHumanString()}`,
      schedule: events.Schedule.rate(interval),
      targets: [this.scheduleTarget.target],
    });

    this.alarms = [
      ...selfWatchAlarms(this, config, interval),
      this.scheduleTarget.deadLetterAlarm,
      ...this.evaluatorFunction.alarms,
    ];
  }
}

function evaluatorMetric(config: StageConfig, metricName: string, statistic: string, period: Duration) {
  return new cloudwatch.Metric({
    namespace: metricsNamespace(config),
    metricName,
    dimensionsMap: { service: config.serviceName },
    statistic,
    period,
  });
}

/** Someone must watch the watcher: these alarms notify the alert topic like every other alarm. */
function selfWatchAlarms(scope: Construct, config: StageConfig, interval: Duration): cloudwatch.Alarm[] {
  const prefix = `${config.serviceName}-${config.stage}-alert-evaluator`;
  return [
    new cloudwatch.Alarm(scope, 'RunsStoppedAlarm', {
      alarmName: `${prefix}-not-running`,
      alarmDescription: describeAlarm(
        'The alert evaluator finished no run in 2 of the last 3 intervals: alert rules are not being evaluated. ' +
          'Missing data counts as failing, so a schedule that stopped, a function that crashes and a database it cannot reach all raise it.',
        'evaluatorNotRunning',
      ),
      metric: evaluatorMetric(config, EVALUATOR_METRICS.duration, cloudwatch.Stats.SAMPLE_COUNT, interval),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'RulesInErrorAlarm', {
      alarmName: `${prefix}-rules-in-error`,
      alarmDescription: describeAlarm(
        'At least one alert rule could not be evaluated for 15 minutes (invalid rule, unknown metric, CloudWatch errors or throttling). `npm run rules -- list` shows which and why.',
        'rulesInError',
      ),
      metric: evaluatorMetric(
        config,
        EVALUATOR_METRICS.rulesInError,
        cloudwatch.Stats.MAXIMUM,
        Duration.minutes(5),
      ),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
    new cloudwatch.Alarm(scope, 'NotificationsFailingAlarm', {
      alarmName: `${prefix}-publish-failing`,
      alarmDescription: describeAlarm(
        'Alert notifications were not published in 2 of the last 3 intervals: refused for now (they stay pending in alert_notifications and each run retries them, for 24 hours), refused for good or expired (recorded, not retried). `npm run rules -- list` shows which and why.',
        'notificationsFailing',
      ),
      metric: evaluatorMetric(config, EVALUATOR_METRICS.notificationsFailed, cloudwatch.Stats.SUM, interval),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }),
  ];
}
