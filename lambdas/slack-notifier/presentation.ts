import type { AlertSeverity } from '../shared/alert-message';
import type { AlarmState } from './cloudwatch-alarm';

/** What an on-call reader recognises at a glance: an emoji, a word and the colour of the attachment bar. */
export interface Look {
  emoji: string;
  label: string;
  color: string;
}

export const SEVERITY_LOOK: Record<AlertSeverity, Look> = {
  critical: { emoji: '🚨', label: 'CRITICAL', color: '#D00000' },
  warning: { emoji: '⚠️', label: 'WARNING', color: '#F2A900' },
  info: { emoji: 'ℹ️', label: 'INFO', color: '#2F80ED' },
};

export const RESOLVED_LOOK: Look = { emoji: '✅', label: 'RESOLVED', color: '#2EB67D' };

export const ALARM_LOOK: Record<AlarmState, Look> = {
  ALARM: { emoji: '🔴', label: 'ALARM', color: '#D00000' },
  OK: { emoji: '✅', label: 'OK', color: '#2EB67D' },
  INSUFFICIENT_DATA: { emoji: '🟠', label: 'INSUFFICIENT_DATA', color: '#F2A900' },
};

/** A state CloudWatch may add one day: shown by its name, neither red nor green. */
export const OTHER_ALARM_LOOK: Look = { emoji: '🔔', label: 'ALARM STATE', color: '#808080' };

/** An EventBridge event (AWS Health, GuardDuty, Backup...) delivered through SNS. */
export const EVENT_LOOK: Look = { emoji: '📣', label: 'EVENT', color: '#2F80ED' };

export const FALLBACK_LOOK: Look = { emoji: '📨', label: 'MESSAGE', color: '#808080' };

/** E.g. `1 h 23 min`, `4 min 10 s`, `12 s`. */
export function elapsedInWords(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1_000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3_600);
  const minutes = Math.floor((seconds % 3_600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${minutes} min`;
  if (minutes > 0) return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}

/** A UTC time readable in a plain-text fallback, e.g. `2026-11-29 14:10 UTC`. */
export function utc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A time Slack shows in each reader's own time zone, with the UTC text where that is not supported. */
export function slackDate(date: Date): string {
  return `<!date^${Math.floor(date.getTime() / 1_000)}^{date_short_pretty} {time}|${utc(date)}>`;
}
