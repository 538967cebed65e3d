import { ALERT_MESSAGE_TYPE, type AlertMessage, alertMessageSchema } from '../shared/alert-message';
import { SELF_TEST_ALERT_TYPE, type SelfTestAlert, selfTestAlertSchema } from '../shared/self-test-alert';
import { type CloudWatchAlarm, cloudWatchAlarmSchema } from './cloudwatch-alarm';
import {
  type EventBridgeEvent,
  eventBridgeEventSchema,
  looksLikeEventBridgeEvent,
} from './eventbridge-event';

export type Notification =
  | { kind: 'alert'; alert: AlertMessage }
  | { kind: 'alarm'; alarm: CloudWatchAlarm }
  | { kind: 'event'; event: EventBridgeEvent }
  | { kind: 'self-test'; test: SelfTestAlert }
  | {
      kind: 'fallback';
      /** The parsed message when it was JSON (an object); shown pretty-printed. */
      json?: unknown;
      /** Why a message that looked like an alert, alarm or event was not read as one: for the log only. */
      problem?: string;
    };

/**
 * Decides what an SNS message is. Nothing is dropped: a message that is not JSON, or JSON of an unknown
 * shape, or an alert that fails the schema, becomes a fallback that shows the raw content.
 */
export function recognise(message: string): Notification {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return { kind: 'fallback' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { kind: 'fallback' };
  const record = parsed as Record<string, unknown>;

  if (record.type === ALERT_MESSAGE_TYPE) {
    const alert = alertMessageSchema.safeParse(parsed);
    return alert.success
      ? { kind: 'alert', alert: alert.data }
      : { kind: 'fallback', json: parsed, problem: `invalid alert message: ${issues(alert.error)}` };
  }
  if (record.type === SELF_TEST_ALERT_TYPE) {
    const test = selfTestAlertSchema.safeParse(parsed);
    return test.success
      ? { kind: 'self-test', test: test.data }
      : { kind: 'fallback', json: parsed, problem: `invalid self-test message: ${issues(test.error)}` };
  }
  if ('AlarmName' in record && 'NewStateValue' in record) {
    const alarm = cloudWatchAlarmSchema.safeParse(parsed);
    return alarm.success
      ? { kind: 'alarm', alarm: alarm.data }
      : { kind: 'fallback', json: parsed, problem: `unreadable CloudWatch alarm: ${issues(alarm.error)}` };
  }
  if (looksLikeEventBridgeEvent(record)) {
    const event = eventBridgeEventSchema.safeParse(parsed);
    return event.success
      ? { kind: 'event', event: event.data }
      : { kind: 'fallback', json: parsed, problem: `unreadable EventBridge event: ${issues(event.error)}` };
  }
  return { kind: 'fallback', json: parsed };
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
