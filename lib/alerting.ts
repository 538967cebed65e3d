import {
  Annotations,
  AspectPriority,
  Aspects,
  Duration,
  type RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import { AlarmNotifications } from './alarm-notifications';
import type { StageConfig } from './config';
import { deadLetterAlarm } from './dead-letter-alarm';
import { slackWebhookSecretName } from './deployed-names';
import { importSecret } from './imported-secret';
import { ObservedFunction } from './observed-function';
import { keptInProduction } from './removal-policy';
import { describeAlarm } from './runbook';

/** Long enough for 429 waits and retries; the notifier stops trying 3 s before it, to dead-letter in time. */
export const NOTIFIER_TIMEOUT = Duration.seconds(30);
/** SQS's largest message: an SNS message (up to 256 KB) with its JSON escaping and the failure details. */
export const DEAD_LETTER_MAX_BYTES = 1_048_576;

export interface AlertingProps {
  config: StageConfig;
  key: kms.IKey;
}

/** One entry of the notifier's routing table (`SLACK_WEBHOOKS`): a secret ARN, never a URL. */
export interface WebhookRoute {
  channel: string;
  severities?: string[];
  secretArn: string;
}

/**
 * Alerts that are never lost: the alert topic (KMS, TLS only) that alarms and the alert evaluator publish to;
 * the Slack notifier subscribed to it; e-mail subscriptions for alerts that ask for e-mail; and one
 * dead-letter queue that catches everything the notifier could not deliver (its own dead letters, failed
 * asynchronous invocations, and messages SNS could not hand to Lambda), watched by an alarm that e-mails
 * on-call through a separate topic, not through Slack.
 */
export class Alerting extends Construct {
  readonly topic: sns.Topic;
  /** E-mail only: where the notifier's own failures are reported. */
  readonly notifierFailureTopic: sns.Topic;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly notifier: ObservedFunction;
  readonly webhookSecrets: secretsmanager.ISecret[];
  readonly webhookRoutes: WebhookRoute[];
  /** The aspect that makes every alarm notify `topic` on ALARM and OK; see `notifyOnEveryAlarm`. */
  readonly alarmNotifications: AlarmNotifications;

  constructor(scope: Construct, id: string, props: AlertingProps) {
    super(scope, id);
    const { config, key } = props;
    const prefix = `${config.serviceName}-${config.stage}`;
    const removalPolicy = keptInProduction(config);

    this.topic = new sns.Topic(this, 'AlertTopic', {
      topicName: `${prefix}-alerts`,
      displayName: `SignUpFlow alerts (${config.stage})`,
      masterKey: key,
      enforceSSL: true,
    });
    this.notifierFailureTopic = new sns.Topic(this, 'NotifierFailureTopic', {
      topicName: `${prefix}-alert-delivery-failures`,
      displayName: `SignUpFlow alert delivery failures (${config.stage})`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const topic of [this.topic, this.notifierFailureTopic]) allowAlarmsToPublish(topic);

    this.deadLetterQueue = new sqs.Queue(this, 'NotifierDeadLetterQueue', {
      queueName: `${prefix}-slack-notifier-dlq`,
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      maxMessageSizeBytes: DEAD_LETTER_MAX_BYTES,
      removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of the Slack notifier; nothing consumes it automatically, an alarm e-mails on-call and the runbook redrives it.',
    });

    this.webhookSecrets = config.slack.webhooks.map((webhook, index) =>
      webhookSecret(this, `Webhook${index}`, webhook, { config, key, removalPolicy }),
    );
    this.webhookRoutes = config.slack.webhooks.map((webhook, index) => ({
      channel: webhook.channel,
      ...(webhook.severities && { severities: [...webhook.severities] }),
      secretArn: (this.webhookSecrets[index] as secretsmanager.ISecret).secretArn,
    }));

    this.notifier = new ObservedFunction(this, 'SlackNotifier', {
      config,
      key,
      functionDir: 'slack-notifier',
      description:
        'Posts alerts and CloudWatch alarms from the alert topic to Slack; dead-letters what it cannot deliver',
      timeout: NOTIFIER_TIMEOUT,
      memorySize: 256,
      // Kept for alerting: a burst of API or health traffic cannot throttle the notifier.
      reservedConcurrency: config.reservedConcurrency?.slackNotifier,
      environment: {
        SLACK_ALERT_CHANNEL: config.slack.alertChannel,
        SLACK_WEBHOOKS: Stack.of(this).toJsonString(this.webhookRoutes),
        NOTIFIER_DLQ_URL: this.deadLetterQueue.queueUrl,
        // Alerts are rare: an environment may be reclaimed before a 60 s flush, so each invocation writes its
        // delivery metrics at once (a few hundred bytes per alert).
        METRICS_FLUSH_INTERVAL_SECONDS: '0',
      },
    });
    for (const secret of this.webhookSecrets) secret.grantRead(this.notifier);
    this.deadLetterQueue.grantSendMessages(this.notifier);
    // A failed invocation (the dead-letter send failed too, or the function crashed or timed out) is retried
    // twice by Lambda and then kept in the same queue.
    this.notifier.configureAsyncInvoke({
      onFailure: new SqsDestination(this.deadLetterQueue),
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
    });
    Validations.of(this.notifier.role as iam.IRole).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      reason:
        'Sending to the KMS-encrypted dead-letter queue needs data keys of the stack key; the grant names that one key.',
    });
    Validations.of(this.notifier.role as iam.IRole).acknowledge({
      id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      reason: "CDK's grant for sending to a KMS-encrypted queue; it names the stack key only.",
    });

    this.topic.addSubscription(
      new subscriptions.LambdaSubscription(this.notifier, { deadLetterQueue: this.deadLetterQueue }),
    );
    for (const address of config.email.addresses) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(address, {
          filterPolicy: { channels: sns.SubscriptionFilter.stringFilter({ allowlist: ['email'] }) },
        }),
      );
      this.notifierFailureTopic.addSubscription(new subscriptions.EmailSubscription(address));
    }

    this.deadLetterAlarm = deadLetterAlarm(this, 'NotifierDeadLetterAlarm', {
      queue: this.deadLetterQueue,
      alarmName: `${prefix}-slack-notifier-dead-letters`,
      alarmDescription: describeAlarm(
        `Alerts that could not be delivered to Slack are waiting in ${prefix}-slack-notifier-dlq.`,
        'notifierDeadLetters',
      ),
    });
    const email = new SnsAction(this.notifierFailureTopic);
    this.deadLetterAlarm.addAlarmAction(email);
    this.deadLetterAlarm.addOkAction(email);
    // The notifier's own alarms reach on-call by e-mail too, in case Slack delivery is what fails.
    for (const alarm of this.notifier.alarms) {
      alarm.addAlarmAction(email);
      alarm.addOkAction(email);
    }

    // Dead letters go to e-mail only, since Slack may be what is broken; a stage without e-mail addresses
    // would tell nobody, so there they go to the alert topic as well.
    const deadLettersByEmailOnly = config.email.addresses.length > 0;
    if (!deadLettersByEmailOnly) {
      Annotations.of(this).addWarningV2(
        'signupflow:dead-letters-without-email',
        `No e-mail addresses in stage ${config.stage}: the dead-letter alarm also goes to Slack, which may be what fails.`,
      );
    }
    this.alarmNotifications = new AlarmNotifications(this.topic, {
      exclude: deadLettersByEmailOnly ? [this.deadLetterAlarm] : [],
    });
  }

  /** Every alarm under `scope` (the stack) notifies the alert topic on ALARM and on OK. */
  notifyOnEveryAlarm(scope: IConstruct): void {
    Aspects.of(scope).add(this.alarmNotifications, { priority: AspectPriority.MUTATING });
  }
}

/**
 * CloudWatch publishes alarm notifications as a service; a topic policy (which `enforceSSL` creates) replaces
 * SNS's default policy, so alarms of this account need an explicit allow or their notifications are dropped.
 */
function allowAlarmsToPublish(topic: sns.Topic): void {
  const { account, region, partition } = Stack.of(topic);
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsOfThisAccount',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      },
    }),
  );
}

/**
 * The secret of one webhook: the configured one, or a new one whose generated placeholder is replaced by the
 * webhook URL after deploy (the runbook says how). The URL is never in the template.
 */
function webhookSecret(
  scope: Construct,
  id: string,
  webhook: StageConfig['slack']['webhooks'][number],
  props: { config: StageConfig; key: kms.IKey; removalPolicy: RemovalPolicy },
): secretsmanager.ISecret {
  if (webhook.webhookSecretArn) {
    return importSecret(scope, id, webhook.webhookSecretArn);
  }
  const { config } = props;
  const secret = new secretsmanager.Secret(scope, id, {
    secretName: slackWebhookSecretName(config, webhook),
    description: `Slack incoming-webhook URL for ${webhook.channel}${webhook.severities ? ` (${webhook.severities.join(', ')})` : ''}: replace the generated placeholder with the URL after deploy`,
    encryptionKey: props.key,
    removalPolicy: props.removalPolicy,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'Slack has no API to issue a new incoming-webhook URL, so it cannot rotate automatically; the runbook describes the manual rotation.',
  });
  return secret;
}
