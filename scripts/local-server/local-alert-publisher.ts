/**
 * Alerts as the alert topic would deliver them, for the local loop: to the Slack notifier's own handler in an
 * SNS event when SLACK_WEBHOOK_URL is set, else one line on the console in the words of the Slack message's
 * own text.
 */
import { randomUUID } from 'node:crypto';
import { subjectOf } from '../../lambdas/alert-evaluator/alert-notification';
import type { AlertPublisher } from '../../lambdas/alert-evaluator/alert-publisher';
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

  async publish(
    notifications: { id: number; message: unknown }[],
  ): Promise<{ id: number; error?: string }[]> {
    const outcomes: { id: number; error?: string }[] = [];
    for (const { id, message } of notifications) {
      try {
        const alert = alertMessageSchema.parse(message);
        if (process.env.SLACK_WEBHOOK_URL) await this.#toSlack(alert);
        else this.#log(`alert ${alert.state.padEnd(8)} ${alertSummary(alert)}`);
        outcomes.push({ id });
      } catch (error) {
        outcomes.push({ id, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return outcomes;
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
