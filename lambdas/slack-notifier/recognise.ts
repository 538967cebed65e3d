import { ALERT_MESSAGE_TYPE, type AlertMessage, alertMessageSchema } from '../shared/alert-message';
import { scrub } from '../shared/scrubber';
import { type CloudWatchAlarm, cloudWatchAlarmSchema } from './cloudwatch-alarm';

export type Notification =
  | { kind: 'alert'; alert: AlertMessage }
  | { kind: 'alarm'; alarm: CloudWatchAlarm }
  | {
      kind: 'fallback';
      /** The message as received, or pretty-printed when it was JSON. */
      body: string;
      format: 'json' | 'text';
      /** Why the message was not recognised, shown to the reader (never the message itself). */
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
    return { kind: 'fallback', body: message, format: 'text' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'fallback', body: message, format: 'text' };
  }
  const record = parsed as Record<string, unknown>;
  // Only a message shown as JSON is pretty-printed, with values under keys such as `password` replaced.
  const jsonFallback = (problem?: string): Notification => ({
    kind: 'fallback',
    body: JSON.stringify(scrub(parsed), null, 2),
    format: 'json',
    ...(problem && { problem }),
  });

  if (record.type === ALERT_MESSAGE_TYPE) {
    const alert = alertMessageSchema.safeParse(parsed);
    return alert.success
      ? { kind: 'alert', alert: alert.data }
      : jsonFallback(`invalid alert message: ${issues(alert.error)}`);
  }
  if ('AlarmName' in record && 'NewStateValue' in record) {
    const alarm = cloudWatchAlarmSchema.safeParse(parsed);
    return alarm.success
      ? { kind: 'alarm', alarm: alarm.data }
      : jsonFallback(`unreadable CloudWatch alarm: ${issues(alarm.error)}`);
  }
  return jsonFallback();
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
