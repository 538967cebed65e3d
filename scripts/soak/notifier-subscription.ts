import type { Context } from 'aws-lambda';
import type { PublishedMessage } from './aws-stand-ins';

type NotifierHandler = (event: unknown, context: Context) => Promise<unknown>;

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-soak-alerts';

/** The SNS event Lambda receives for one published message. */
export function snsEventOf(message: PublishedMessage, timestamp = new Date()): Record<string, unknown> {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:soak`,
        Sns: {
          Type: 'Notification',
          MessageId: message.messageId,
          TopicArn: TOPIC_ARN,
          ...(message.subject && { Subject: message.subject }),
          Message: message.message,
          Timestamp: timestamp.toISOString(),
          MessageAttributes: message.attributes,
        },
      },
    ],
  };
}

/** A Lambda context whose remaining time runs down from `timeoutMs`, as the notifier's does. */
export function contextOf(timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'signupflow-soak-slack-notifier',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:signupflow-soak-slack-notifier',
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/signupflow-soak-slack-notifier',
    logStreamName: 'soak',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * The alert topic's subscription of the Slack notifier, as Lambda runs it: an asynchronous invocation per
 * message, a few at a time (the notifier's reserved concurrency), retried twice when it fails, and then sent
 * to the on-failure destination (the dead-letter queue) with its payload. Retries wait `retryDelayMs`, then
 * twice that: Lambda's one and two minutes, compressed as the soak compresses its minutes.
 */
export class NotifierSubscription {
  readonly #handler: NotifierHandler;
  readonly #options: { concurrency: number; timeoutMs: number; retryDelayMs: number };
  readonly #onFailure: (payload: string) => void;
  readonly #queue: { event: Record<string, unknown>; attempt: number }[] = [];
  #running = 0;
  #waiting = 0;
  invocations = 0;
  failedInvocations = 0;
  sentToOnFailure = 0;

  constructor(
    handler: NotifierHandler,
    options: { concurrency: number; timeoutMs: number; retryDelayMs: number },
    onFailure: (payload: string) => void,
  ) {
    this.#handler = handler;
    this.#options = options;
    this.#onFailure = onFailure;
  }

  deliver(message: PublishedMessage): void {
    this.#queue.push({ event: snsEventOf(message), attempt: 0 });
    this.#pump();
  }

  /** Invocations queued, running, or waiting for their retry. */
  get busy(): number {
    return this.#queue.length + this.#running + this.#waiting;
  }

  #pump(): void {
    while (this.#running < this.#options.concurrency && this.#queue.length > 0) {
      const next = this.#queue.shift() as { event: Record<string, unknown>; attempt: number };
      this.#running += 1;
      this.invocations += 1;
      this.#handler(next.event, contextOf(this.#options.timeoutMs))
        .catch((error: Error) => {
          this.failedInvocations += 1;
          if (next.attempt >= 2) {
            this.sentToOnFailure += 1;
            this.#onFailure(
              JSON.stringify({
                requestPayload: next.event,
                responsePayload: { errorMessage: error.message },
              }),
            );
            return;
          }
          this.#waiting += 1;
          setTimeout(
            () => {
              this.#waiting -= 1;
              this.#queue.push({ event: next.event, attempt: next.attempt + 1 });
              this.#pump();
            },
            this.#options.retryDelayMs * 2 ** next.attempt,
          );
        })
        .finally(() => {
          this.#running -= 1;
          this.#pump();
        });
    }
  }
}
