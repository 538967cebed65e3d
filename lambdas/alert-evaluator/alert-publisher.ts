import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { alertMessageAttributes, alertMessageSchema } from '../shared/alert-message';
import { subjectOf } from './alert-notification';
import type { QueuedNotification } from './outbox-store';

/**
 * What became of one publish: accepted, or refused for now (retried) or for good. `uncertain`: no answer came
 * in time, so SNS may have taken it; trying again may deliver it twice, and the retry backs off.
 */
export type PublishResult =
  | { ok: true }
  | { ok: false; error: string; permanent: boolean; uncertain?: boolean };

/** Where alerts go: the alert topic in AWS; anything of this shape elsewhere. */
export interface AlertPublisher {
  /** Publishes one notification; `signal` aborts it when the run's time for publishing is up. */
  publish(notification: QueuedNotification, signal: AbortSignal): Promise<PublishResult>;
}

/** Errors of a publish that got no answer in time: the request timed out, or the run's deadline aborted it. */
const NO_ANSWER_ERRORS: ReadonlySet<string> = new Set(['TimeoutError', 'AbortError', 'RunDeadlineError']);

/**
 * SNS errors that say the message or the caller is wrong, not that SNS is unwell: trying the same message again
 * gets the same answer (`InvalidParameter: Message too long`, an authorization or a missing topic).
 */
export const PERMANENT_SNS_ERRORS: ReadonlySet<string> = new Set([
  'InvalidParameterException',
  'InvalidParameterValueException',
  'AuthorizationErrorException',
  'NotFoundException',
  'ValidationException',
]);

const MAX_ERROR_LENGTH = 500;

export class SnsAlertPublisher implements AlertPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async publish(notification: QueuedNotification, signal: AbortSignal): Promise<PublishResult> {
    const parsed = alertMessageSchema.safeParse(notification.message);
    if (!parsed.success) return notAnAlertMessage(parsed.error.issues.map((issue) => issue.path.join('.')));
    const alert = parsed.data;
    try {
      await this.#client.send(
        new PublishCommand({
          TopicArn: this.#topicArn,
          Subject: subjectOf(alert),
          Message: JSON.stringify(alert),
          MessageAttributes: alertMessageAttributes(alert),
        }),
        { abortSignal: signal },
      );
      return { ok: true };
    } catch (error) {
      const { name, message } = error as Error;
      return {
        ok: false,
        error: `${name}: ${message}`.slice(0, MAX_ERROR_LENGTH),
        permanent: PERMANENT_SNS_ERRORS.has(name),
        uncertain: NO_ANSWER_ERRORS.has(name) || signal.aborted,
      };
    }
  }
}

/** A queued message the alert schema refuses can never be published: it fails for good, naming the fields. */
export function notAnAlertMessage(fields: string[]): PublishResult {
  const named = [...new Set(fields.map((field) => field || '(message)'))].slice(0, 5).join(', ');
  return {
    ok: false,
    error: `not an alert message: the schema refused ${named}`.slice(0, MAX_ERROR_LENGTH),
    permanent: true,
  };
}
