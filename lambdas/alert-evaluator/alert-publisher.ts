import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertMessageAttributes, alertMessageSchema } from '../shared/alert-message';
import { subjectOf } from './alert-notification';
import type { QueuedNotification } from './rule-store';

/** Where alerts go: the alert topic in AWS; anything of this shape elsewhere. */
export interface AlertPublisher {
  /** Publishes each notification; an error per notification that was not accepted. */
  publish(notifications: QueuedNotification[]): Promise<{ id: number; error?: string }[]>;
}

/** Publishes to SNS a few at a time, in queue order within each batch. */
const CONCURRENT_PUBLISHES = 8;

export class SnsAlertPublisher implements AlertPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notifications: QueuedNotification[]): Promise<{ id: number; error?: string }[]> {
    const outcomes: { id: number; error?: string }[] = [];
    for (let start = 0; start < notifications.length; start += CONCURRENT_PUBLISHES) {
      const batch = notifications.slice(start, start + CONCURRENT_PUBLISHES);
      outcomes.push(...(await Promise.all(batch.map((notification) => this.#publishOne(notification)))));
    }
    return outcomes;
  }

  async #publishOne(notification: QueuedNotification): Promise<{ id: number; error?: string }> {
    try {
      const alert = alertMessageSchema.parse(notification.message);
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: subjectOf(alert),
          Message: JSON.stringify(alert),
          MessageAttributes: alertMessageAttributes(alert),
        }),
      );
      return { id: notification.id };
    } catch (error) {
      const { name, message } = error as Error;
      return { id: notification.id, error: `${name}: ${message}`.slice(0, 500) };
    }
  }
}
