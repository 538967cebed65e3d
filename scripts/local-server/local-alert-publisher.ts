/**
 * Alerts as the alert topic would deliver them, for the local loop: to the Slack notifier's own handler in an
 * SNS event when SLACK_WEBHOOK_URL is set, else one line on the console in the words of the Slack message's
 * own text.
 */
import { randomUUID } from 'node:crypto';
import { subjectOf } from '../../lambdas/alert-evaluator/alert-notification';
import {
  type AlertPublisher,
  notAnAlertMessage,
  type PublishResult,
} from '../../lambdas/alert-evaluator/alert-publisher';
import type { QueuedNotification } from '../../lambdas/alert-evaluator/outbox-store';
import {
  type AlertMessage,
  alertMessageAttributes,
  alertMessageSchema,
} from '../../lambdas/shared/alert-message';
import { alertSummary } from '../../lambdas/slack-notifier/format-alert';
import { localContext } from './http-api-event';

const NOTIFIER_TIMEOUT_MS = 30_000;

export class LocalAlertPublisher implements AlertPublisher {
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  async publish(notification: QueuedNotification): Promise<PublishResult> {
    const parsed = alertMessageSchema.safeParse(notification.message);
    if (!parsed.success) return notAnAlertMessage(parsed.error.issues.map((issue) => issue.path.join('.')));
    const alert = parsed.data;
    try {
      if (process.env.SLACK_WEBHOOK_URL) await this.#toSlack(alert);
      else this.#log(`alert ${alert.state.padEnd(8)} ${alertSummary(alert)}`);
      return { ok: true };
    } catch (error) {
      // The notifier failed without keeping the message: the topic would deliver it again, so the loop does.
      return { ok: false, error: `${(error as Error).name}: ${(error as Error).message}`, permanent: false };
    }
  }

  async #toSlack(alert: AlertMessage): Promise<void> {
    const { handler } = await import('../../lambdas/slack-notifier/handler');
    const attributes = Object.fromEntries(
      Object.entries(alertMessageAttributes(alert)).map(([name, { DataType, StringValue }]) => [
        name,
        { Type: DataType, Value: StringValue },
      ]),
    );
    await handler(
      {
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: 'arn:aws:sns:local:000000000000:signupflow-local-alerts:local',
            Sns: {
              Type: 'Notification',
              MessageId: randomUUID(),
              TopicArn: 'arn:aws:sns:local:000000000000:signupflow-local-alerts',
              Subject: subjectOf(alert),
              Message: JSON.stringify(alert),
              Timestamp: new Date().toISOString(),
              MessageAttributes: attributes,
            },
          },
        ],
      },
      localContext('signupflow-local-slack-notifier', NOTIFIER_TIMEOUT_MS),
    );
  }
}
