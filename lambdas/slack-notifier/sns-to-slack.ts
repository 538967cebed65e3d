import type { Context } from 'aws-lambda';
import { logger } from '../shared/observability';
import { aggregatedMetrics } from '../shared/with-observability';
import { DEAD_LETTER_WORST_CASE_MS, DeadLetterError, sendDeadLetter } from './dead-letter-queue';
import { type RetryCause, SlackDelivery } from './delivery';
import {
  type DeadLetter,
  deadLetterUnprocessable,
  type NoticeOutcome,
  type NotifierPorts,
  notify,
} from './notify';
import { parseSnsRecord, recordsOf } from './sns-records';
import { webhookDirectory } from './webhooks';

/** Time kept back from the Lambda timeout for the dead-letter send (worst case) and the metric flush. */
export const RESERVED_MS = DEAD_LETTER_WORST_CASE_MS + 1_000;

const delivery = new SlackDelivery({
  requestTimeoutMs: Number(process.env.SLACK_REQUEST_TIMEOUT_MS ?? 5_000),
});
const webhooks = webhookDirectory(process.env);
const footer = {
  service: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
  stage: process.env.STAGE ?? 'local',
};
const defaultChannel = process.env.SLACK_ALERT_CHANNEL ?? '#alerts';
const deadLetterQueueUrl = process.env.NOTIFIER_DLQ_URL;

export interface NotifierResult {
  delivered: number;
  skipped: number;
  deadLettered: number;
}

/**
 * SNS → Slack. Every record ends delivered, skipped (an alert that asked for e-mail only) or in the dead-letter
 * queue; when the dead-letter queue cannot take a message either, the invocation fails so that it is retried.
 */
export async function handleSnsEvent(event: unknown, context: Context): Promise<NotifierResult> {
  const deadline = Date.now() + context.getRemainingTimeInMillis() - RESERVED_MS;
  const ports = notifierPorts(deadline);
  const result: NotifierResult = { delivered: 0, skipped: 0, deadLettered: 0 };
  const unqueued: Error[] = [];

  for (const record of recordsOf(event)) {
    try {
      const outcome = await processRecord(record, ports);
      report(outcome);
      result[outcome.outcome === 'dead_lettered' ? 'deadLettered' : outcome.outcome] += 1;
    } catch (error) {
      reportUnqueued(error);
      unqueued.push(error as Error);
    }
  }
  if (unqueued.length > 0) {
    aggregatedMetrics.count(
      'slack_notifications_total',
      { outcome: 'unqueued', kind: 'any' },
      unqueued.length,
    );
    aggregatedMetrics.flush();
    throw new AggregateError(
      unqueued,
      `${unqueued.length} message(s) neither delivered nor dead-lettered: ${unqueued.map(causes).join(' | ')}`,
    );
  }
  return result;
}

async function processRecord(record: unknown, ports: NotifierPorts): Promise<NoticeOutcome> {
  const parsed = parseSnsRecord(record);
  if (!parsed.ok) return deadLetterUnprocessable(record, parsed.problem, ports);
  try {
    return await notify(parsed.notice, ports);
  } catch (error) {
    if (error instanceof DeadLetterError) throw error;
    // A bug in formatting must not lose the message: it is kept with what went wrong.
    return deadLetterUnprocessable(record, `${(error as Error).name}: ${(error as Error).message}`, ports);
  }
}

function notifierPorts(deadline: number): NotifierPorts {
  return {
    footer,
    defaultChannel,
    webhookFor: (channel, severity) => webhooks.webhookFor(channel, severity),
    deliver: (webhook, payload, onRetry) => delivery.deliver(webhook, payload, deadline, onRetry),
    deadLetter: (letter) => sendDeadLetter(deadLetterQueueUrl, letter),
    onShownAsReceived: (problem, kind) => {
      logger.warn('Shown in Slack as received, not formatted', { problem, kind });
    },
    onRetry: (cause: RetryCause) => {
      logger.warn('Retrying Slack delivery', { cause });
      aggregatedMetrics.count('slack_delivery_retries_total', { cause });
    },
    now: () => new Date(),
  };
}

/** Why Slack did not get a message, and why the dead-letter queue did not take it either, in one line. */
function causes(error: unknown): string {
  if (!(error instanceof DeadLetterError)) return `${(error as Error)?.name}: ${(error as Error)?.message}`;
  const { letter } = error;
  const slack = [
    letter.reason,
    letter.status !== undefined && `status ${letter.status}`,
    letter.slackError && `Slack error ${letter.slackError}`,
    letter.detail,
  ]
    .filter(Boolean)
    .join(', ');
  return `not delivered (${slack}); ${error.refusal}`;
}

/** What a log line says of an undelivered message: Slack's answer and where it was going. */
function whyNotDelivered(letter: DeadLetter) {
  const { reason, slackError, status, detail, attempts, channel, kind } = letter;
  return { reason, slackError, status, detail, attempts, channel, kind };
}

function reportUnqueued(error: unknown): void {
  const letter = error instanceof DeadLetterError ? error.letter : undefined;
  logger.error('Neither delivered to Slack nor kept in the dead-letter queue', {
    causes: causes(error),
    ...(letter && { ...whyNotDelivered(letter), deadLetterError: (error as DeadLetterError).refusal }),
  });
}

function report(outcome: NoticeOutcome): void {
  switch (outcome.outcome) {
    case 'delivered':
      logger.info('Delivered to Slack', {
        kind: outcome.kind,
        channel: outcome.channel,
        attempts: outcome.attempts,
        messageId: outcome.messageId,
      });
      aggregatedMetrics.count('slack_notifications_total', { outcome: 'delivered', kind: outcome.kind });
      return;
    case 'skipped':
      logger.info('Not for Slack', { kind: outcome.kind, why: outcome.why });
      aggregatedMetrics.count('slack_notifications_total', { outcome: 'skipped', kind: outcome.kind });
      return;
    default: {
      const { letter } = outcome;
      logger.error('Not delivered to Slack: kept in the dead-letter queue', {
        ...whyNotDelivered(letter),
        messageId: 'messageId' in letter.original ? letter.original.messageId : undefined,
      });
      aggregatedMetrics.count('slack_notifications_total', {
        outcome: 'dead_lettered',
        kind: outcome.kind ?? 'unprocessable',
      });
      aggregatedMetrics.flush();
    }
  }
}
