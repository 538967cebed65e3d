import type { AlertSeverity } from '../shared/alert-message';
import { scrub } from '../shared/scrubber';
import { boundJson, type JsonBounds } from './bounded-json';
import type { DeliveryResult, RetryCause } from './delivery';
import { type Footer, formatAlarm } from './format-alarm';
import { formatAlert } from './format-alert';
import { formatEvent } from './format-event';
import { type FallbackInput, formatFallback } from './format-fallback';
import { formatSelfTest } from './format-self-test';
import { type Notification, recognise } from './recognise';
import { fitToSlackLimits, type SlackMessage } from './slack-message';

/** One SNS notification as the notifier needs it. */
export interface SnsNotice {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  timestamp: string;
  messageAttributes: Record<string, { Type: string; Value: string }>;
}

export type DeadLetterReason = FailureReasonOf<DeliveryResult> | 'webhook_unavailable' | 'unprocessable';
type FailureReasonOf<T> = T extends { delivered: false; reason: infer R } ? R : never;

/** What the dead-letter queue receives: enough to understand the failure and to publish the message again. */
export interface DeadLetter {
  reason: DeadLetterReason;
  permanent: boolean;
  slackError?: string;
  status?: number;
  detail?: string;
  attempts: number;
  kind?: Notification['kind'];
  channel?: string;
  failedAt: string;
  /** The SNS notification as received; `record` when the record was not even an SNS notification. */
  original: SnsNotice | { record: unknown };
}

export interface NotifierPorts {
  footer: Footer;
  defaultChannel: string;
  /** The webhook for a channel and severity, or a reason why there is none. */
  webhookFor(
    channel: string,
    severity: AlertSeverity,
  ): Promise<{ key: string; url: string } | { error: string }>;
  deliver(
    webhook: { key: string; url: string },
    payload: string,
    onRetry: (cause: RetryCause) => void,
  ): Promise<DeliveryResult>;
  deadLetter(letter: DeadLetter): Promise<void>;
  onRetry(cause: RetryCause): void;
  /** A message shown as received instead of formatted, and why: for the log, never for Slack. */
  onShownAsReceived(problem: string, kind: Notification['kind']): void;
  now(): Date;
}

export type NoticeOutcome =
  | {
      outcome: 'delivered';
      kind: Notification['kind'];
      channel: string;
      attempts: number;
      /** SNS's id of the message, which `npm run verify` looks for in the log. */
      messageId: string;
    }
  | { outcome: 'skipped'; kind: 'alert'; why: string }
  | { outcome: 'dead_lettered'; kind?: Notification['kind']; letter: DeadLetter };

/**
 * Recognise, route, format and deliver one notification; when that fails, queue it as a dead letter. Resolves
 * only when the message was delivered, deliberately skipped, or queued: a failing dead-letter queue rejects.
 */
export async function notify(notice: SnsNotice, ports: NotifierPorts): Promise<NoticeOutcome> {
  const notification = recognise(notice.message);
  if (notification.kind === 'alert' && !notification.alert.channels.includes('slack')) {
    return { outcome: 'skipped', kind: 'alert', why: `channels ${notification.alert.channels.join(',')}` };
  }
  const { channel, severity } = destination(notification, ports.defaultChannel);
  const { message, problem } = renderSafely(notification, notice, ports.footer);
  if (problem) ports.onShownAsReceived(problem, notification.kind);
  const payload = JSON.stringify(message);

  const webhook = await ports.webhookFor(channel, severity);
  if ('error' in webhook) {
    return deadLettered(ports, notification.kind, {
      reason: 'webhook_unavailable',
      permanent: false,
      detail: webhook.error,
      attempts: 0,
      channel,
      original: notice,
    });
  }
  const result = await ports.deliver(webhook, payload, ports.onRetry);
  if (result.delivered) {
    return {
      outcome: 'delivered',
      kind: notification.kind,
      channel: webhook.key,
      attempts: result.attempts,
      messageId: notice.messageId,
    };
  }
  return deadLettered(ports, notification.kind, {
    reason: result.reason,
    permanent: result.permanent,
    ...(result.slackError && { slackError: result.slackError }),
    ...(result.status !== undefined && { status: result.status }),
    ...(result.detail && { detail: result.detail }),
    attempts: result.attempts,
    channel: webhook.key,
    original: notice,
  });
}

/** A record that is not an SNS notification at all: nothing to show, so it is kept for a person to look at. */
export async function deadLetterUnprocessable(
  record: unknown,
  problem: string,
  ports: NotifierPorts,
): Promise<NoticeOutcome> {
  return deadLettered(ports, undefined, {
    reason: 'unprocessable',
    permanent: true,
    detail: problem,
    attempts: 0,
    original: { record },
  });
}

async function deadLettered(
  ports: NotifierPorts,
  kind: Notification['kind'] | undefined,
  letter: Omit<DeadLetter, 'failedAt' | 'kind'>,
): Promise<NoticeOutcome> {
  const complete: DeadLetter = { ...letter, ...(kind && { kind }), failedAt: ports.now().toISOString() };
  await ports.deadLetter(complete);
  return { outcome: 'dead_lettered', ...(kind && { kind }), letter: complete };
}

/**
 * Alerts go where they ask, with their severity. CloudWatch alarms count as critical in every state, so that
 * the OK follows the ALARM into the same channel; unrecognised messages as warnings.
 */
function destination(
  notification: Notification,
  defaultChannel: string,
): { channel: string; severity: AlertSeverity } {
  switch (notification.kind) {
    case 'alert':
      return {
        channel: notification.alert.slackChannel ?? defaultChannel,
        severity: notification.alert.severity,
      };
    case 'alarm':
      return { channel: defaultChannel, severity: 'critical' };
    case 'self-test':
      return { channel: defaultChannel, severity: 'info' };
    default:
      return { channel: defaultChannel, severity: 'warning' };
  }
}

/** Every text of an alert, alarm or event is cut to what Slack can show before it is scrubbed. */
const FIELD_BOUNDS: JsonBounds = {
  maxDepth: 8,
  maxStringChars: 3_000,
  maxTotalChars: 40_000,
  maxEntries: 50,
  maxNodes: 2_000,
};
/** JSON shown as it came: deeper than this, it is shown as text. */
const FALLBACK_BOUNDS: JsonBounds = {
  maxDepth: 20,
  maxStringChars: 12_000,
  maxTotalChars: 16_000,
  maxEntries: 200,
  maxNodes: 5_000,
};

/**
 * The Slack message for a notification; when formatting fails for any reason, the raw message as text, with
 * the reason returned for the log. Only a bug in the text fallback itself throws.
 */
export function renderSafely(
  notification: Notification,
  notice: SnsNotice,
  footer: Footer,
): { message: SlackMessage; problem?: string } {
  try {
    return slackMessage(notification, notice, footer);
  } catch (error) {
    const reason = `${(error as Error)?.name}: ${(error as Error)?.message}`.slice(0, 300);
    return { message: asReceived(notice, footer), problem: `formatting failed (${reason})` };
  }
}

/**
 * The Slack message for a notification, within Slack's limits and without secrets. The order matters: the
 * content is cut to what can be shown, then scrubbed, then escaped by the formatter. Escaping first would hide
 * `password=<secret>` from the scrubber as `password=&lt;secret&gt;`.
 */
export function slackMessage(
  notification: Notification,
  notice: SnsNotice,
  footer: Footer,
): { message: SlackMessage; problem?: string } {
  switch (notification.kind) {
    case 'alert':
      return { message: fitToSlackLimits(formatAlert(boundAndScrub(notification.alert))) };
    case 'alarm':
      return { message: fitToSlackLimits(formatAlarm(boundAndScrub(notification.alarm), footer)) };
    case 'event':
      return { message: fitToSlackLimits(formatEvent(boundAndScrub(notification.event), footer)) };
    case 'self-test':
      return { message: fitToSlackLimits(formatSelfTest(notification.test)) };
    default: {
      const { json, problem } = notification;
      if (json === undefined) return { message: asReceived(notice, footer) };
      const bounded = boundJson(json, FALLBACK_BOUNDS);
      if (bounded.tooDeep) {
        return {
          message: asReceived(notice, footer),
          problem: `JSON nested deeper than ${FALLBACK_BOUNDS.maxDepth} levels${problem ? `; ${problem}` : ''}`,
        };
      }
      const pretty = JSON.stringify(scrub(bounded.value), null, 2);
      return {
        message: fitToSlackLimits(formatFallback(fallbackInput(notice, pretty, 'json'), footer)),
        ...(problem && { problem }),
      };
    }
  }
}

/** The message's raw text in code blocks: what is shown when nothing better can be. */
function asReceived(notice: SnsNotice, footer: Footer): SlackMessage {
  return fitToSlackLimits(formatFallback(fallbackInput(notice, notice.message, 'text'), footer));
}

function boundAndScrub<T>(value: T): T {
  return scrub(boundJson(value, FIELD_BOUNDS).value) as T;
}

function fallbackInput(notice: SnsNotice, body: string, format: 'json' | 'text'): FallbackInput {
  return {
    body,
    format,
    ...(notice.subject && { subject: notice.subject }),
    messageId: notice.messageId,
    topic: notice.topicArn.split(':').at(-1) ?? notice.topicArn,
    receivedAt: validDate(notice.timestamp),
  };
}

function validDate(value: string): Date {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}
