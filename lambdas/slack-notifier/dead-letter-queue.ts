import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AWS_CALL_BUDGETS, awsClientSettings, worstCaseMs } from '../shared/deadlines';
import type { DeadLetter } from './notify';

/** SQS accepts messages up to 1 MiB; the queue is created with that maximum. */
export const MAX_DEAD_LETTER_BYTES = 1_048_576;

/**
 * The dead-letter send runs in the time the Slack delivery leaves before the Lambda timeout: at most
 * DEAD_LETTER_WORST_CASE_MS (2 attempts of 2 s and the wait between them), enforced by a timeout per attempt
 * that aborts and a signal over the whole send.
 */
export const DEAD_LETTER_WORST_CASE_MS = worstCaseMs(AWS_CALL_BUDGETS.deadLetterQueue);
const sqs = new SQSClient(awsClientSettings(AWS_CALL_BUDGETS.deadLetterQueue));

/** A dead letter the queue did not take: carries the letter (why Slack did not get it) and why the queue refused. */
export class DeadLetterError extends Error {
  override name = 'DeadLetterError';
  constructor(
    readonly refusal: string,
    readonly letter: DeadLetter,
  ) {
    super(refusal);
  }
}

const MAX_REFUSAL_CHARS = 200;

/** Queues a dead letter; rejects when it could not be queued, so that the invocation fails and is retried. */
export async function sendDeadLetter(queueUrl: string | undefined, letter: DeadLetter): Promise<void> {
  if (!queueUrl) throw new DeadLetterError('NOTIFIER_DLQ_URL is not set', letter);
  try {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: serialise(letter),
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: letter.reason },
          ...(letter.slackError && { slackError: { DataType: 'String', StringValue: letter.slackError } }),
        },
      }),
      { abortSignal: AbortSignal.timeout(DEAD_LETTER_WORST_CASE_MS) },
    );
  } catch (error) {
    const { name, message } = error as Error;
    throw new DeadLetterError(
      `the dead-letter queue refused the message (${name}${message && message !== name ? `: ${message}` : ''})`.slice(
        0,
        MAX_REFUSAL_CHARS,
      ),
      letter,
    );
  }
}

/**
 * JSON escaping can grow a 256 KB SNS message past SQS's limit; the original message is then kept as base64
 * (a third larger, never more), so that it can still be published again byte for byte.
 */
export function serialise(letter: DeadLetter): string {
  const body = JSON.stringify(letter);
  if (Buffer.byteLength(body) <= MAX_DEAD_LETTER_BYTES || !('message' in letter.original)) return body;
  const { message, ...rest } = letter.original;
  return JSON.stringify({
    ...letter,
    original: { ...rest, messageBase64: Buffer.from(message).toString('base64') },
  });
}
