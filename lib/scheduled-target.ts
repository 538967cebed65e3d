import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import { deadLetterAlarm } from './dead-letter-alarm';
import { keptInProduction } from './removal-policy';
import { describeAlarm } from './runbook';

export interface ScheduledTargetProps {
  config: StageConfig;
  /** Encrypts the dead-letter queue; its policy must let EventBridge rules use it (`MonitoringKey` does). */
  key: kms.IKey;
  /** The function the schedule invokes. */
  fn: lambda.IFunction;
  /** What the schedule runs, in the queue and alarm names: `health-probe` gives `<service>-<stage>-health-probe-...`. */
  name: string;
  /** Deliveries EventBridge retries after a failed one (throttled, function missing, denied); default 2. */
  retryAttempts?: number;
  /** How long EventBridge keeps retrying one event before dead-lettering it; default 1 minute, at least 1 minute. */
  maxEventAge?: Duration;
  /** The event the function receives; default the scheduled event itself. */
  event?: events.RuleTargetInput;
}

/**
 * The Lambda target of an EventBridge schedule that keeps the events it could not deliver: a retry policy, a
 * dead-letter queue (the stack key, TLS only, 14 days) and an alarm on any message in it, which the stack's
 * `AlarmNotifications` sends to the alert topic like every other alarm. EventBridge dead-letters an event it
 * could not hand to Lambda; a function that runs and fails is Lambda's own asynchronous retry, not this.
 *
 * ```ts
 * const probe = new ScheduledTarget(this, 'ProbeTarget', { config, key, fn, name: 'health-probe' });
 * new events.Rule(this, 'ProbeSchedule', { schedule, targets: [probe.target] });
 * ```
 */
export class ScheduledTarget extends Construct {
  /** Goes in the rule's `targets`. */
  readonly target: targets.LambdaFunction;
  readonly deadLetterQueue: sqs.Queue;
  /** `<service>-<stage>-<name>-dead-letters`: at least one event waits in the queue. */
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledTargetProps) {
    super(scope, id);
    const { config } = props;
    const prefix = `${config.serviceName}-${config.stage}-${props.name}`;

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: `${prefix}-dlq`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: keptInProduction(config),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself the dead-letter queue of the ${props.name} schedule; an alarm reports any message in it.`,
    });

    this.target = new targets.LambdaFunction(props.fn, {
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.minutes(1),
      deadLetterQueue: this.deadLetterQueue,
      ...(props.event && { event: props.event }),
    });

    this.deadLetterAlarm = deadLetterAlarm(this, 'DeadLetterAlarm', {
      queue: this.deadLetterQueue,
      alarmName: `${prefix}-dead-letters`,
      alarmDescription: describeAlarm(
        `EventBridge could not invoke the function of the ${props.name} schedule and kept the event in ${prefix}-dlq.`,
        'scheduledTargetDeadLetters',
      ),
    });
  }
}
