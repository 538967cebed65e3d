import { type AlertRule, breaches } from './rule';

export const RULE_STATES = ['OK', 'PENDING', 'FIRING'] as const;
export type RuleState = (typeof RULE_STATES)[number];
export type NotificationKind = 'FIRING' | 'RESOLVED' | 'REMINDER';

/** What the evaluator remembers of a rule between runs (`alert_rule_state`). */
export interface RuleMemory {
  state: RuleState;
  stateSince: Date;
  /** The firing episode's start: it names the episode (dedup key) and is the alert's `since`. */
  episodeStartedAt: Date | null;
  /** On-call was told of this episode (FIRING sent, and not muted since). */
  announced: boolean;
  lastNotifiedAt: Date | null;
  /** Since when a firing rule's condition has been clear; `keep_firing_for_seconds` counts from here. */
  clearSince: Date | null;
  lastValue: number | null;
  lastEvaluatedAt: Date;
  /** Set while the rule cannot be evaluated: neither fires nor resolves, clears by itself. */
  error: string | null;
  errorSince: Date | null;
}

/** One value per period, stamped with the period's start. */
export interface Datapoint {
  timestamp: Date;
  value: number;
}

/** A rule's datapoints of its evaluation range, or why they could not be had. */
export type Observation =
  | { ok: true; datapoints: Datapoint[]; periodEnd: Date }
  | { ok: false; error: string };

/** Periods fetched beyond the N evaluated, so that `missing` and `ignore` can look past gaps as CloudWatch does. */
export const EXTRA_EVALUATION_RANGE_PERIODS = 2;

export function evaluationRangePeriods(rule: Pick<AlertRule, 'evaluationPeriods'>): number {
  return rule.evaluationPeriods + EXTRA_EVALUATION_RANGE_PERIODS;
}

export interface Decision {
  memory: RuleMemory;
  notification?: NotificationKind;
  /** True the first time a run finds the rule in error: report it once, not every minute. */
  newError: boolean;
  /** Why, in words, for `npm run rules -- test` and the logs. */
  reason: string;
}

/** `alarm`: M of N breach; `ok`: M of N cannot breach; `undecided`/`no-data`: keep the state (missing, ignore). */
type Verdict = 'alarm' | 'ok' | 'undecided' | 'no-data';

/**
 * One evaluation of one rule: CloudWatch's "M out of N" with its treatment of missing data, a firing
 * episode that only valid data ends, `keep_firing_for_seconds` against flapping, an error state that
 * changes nothing else, and which notification (if any) this evaluation owes.
 */
export function evaluateRule(
  rule: AlertRule,
  previous: RuleMemory | undefined,
  observation: Observation,
  now: Date,
): Decision {
  const before = previous ?? initialMemory(now);
  if (!observation.ok) {
    return {
      memory: {
        ...before,
        lastEvaluatedAt: now,
        error: observation.error,
        errorSince: before.errorSince ?? now,
      },
      newError: before.error === null,
      reason: `error: ${observation.error}`,
    };
  }

  const window = considered(rule, observation);
  const verdict = verdictOf(rule, window);
  const newest = window.find((slot) => slot.value !== undefined);
  // The newest period as the policy sees it: a gap is breaching or not under `breaching` and `notBreaching`.
  const newestBreaches = window[0]?.breaching ?? false;
  const memory: RuleMemory = {
    ...before,
    lastEvaluatedAt: now,
    lastValue: newest?.value ?? null,
    error: null,
    errorSince: null,
  };
  const reason = explain(rule, window, verdict);

  transition(rule, memory, verdict, newestBreaches, now);
  return { memory, notification: notificationOwed(rule, before, memory, now), newError: false, reason };
}

export function initialMemory(now: Date): RuleMemory {
  return {
    state: 'OK',
    stateSince: now,
    episodeStartedAt: null,
    announced: false,
    lastNotifiedAt: null,
    clearSince: null,
    lastValue: null,
    lastEvaluatedAt: now,
    error: null,
    errorSince: null,
  };
}

interface Slot {
  start: Date;
  value: number | undefined;
  breaching: boolean;
}

/**
 * The datapoints the verdict rests on, newest first. `breaching` and `notBreaching` take the last N periods
 * with gaps filled; `missing` and `ignore` take the N newest datapoints present in the evaluation range.
 */
function considered(rule: AlertRule, observation: { datapoints: Datapoint[]; periodEnd: Date }): Slot[] {
  const periodMs = rule.periodSeconds * 1_000;
  const byStart = new Map(observation.datapoints.map((point) => [point.timestamp.getTime(), point.value]));
  const slots: Slot[] = [];
  for (let back = 1; back <= evaluationRangePeriods(rule); back++) {
    const start = new Date(observation.periodEnd.getTime() - back * periodMs);
    const value = byStart.get(start.getTime());
    const breaching =
      value === undefined
        ? rule.treatMissingData === 'breaching'
        : breaches(rule.condition, value, rule.threshold);
    slots.push({ start, value, breaching });
  }
  if (rule.treatMissingData === 'breaching' || rule.treatMissingData === 'notBreaching') {
    return slots.slice(0, rule.evaluationPeriods);
  }
  return slots.filter((slot) => slot.value !== undefined).slice(0, rule.evaluationPeriods);
}

function verdictOf(rule: AlertRule, window: Slot[]): Verdict {
  if (window.length === 0) return 'no-data';
  const breaching = window.filter((slot) => slot.breaching).length;
  if (breaching >= rule.datapointsToAlarm) return 'alarm';
  // With gaps (missing, ignore), decide only when the missing periods could not have made M of N either.
  const missing = rule.evaluationPeriods - window.length;
  return breaching + missing < rule.datapointsToAlarm ? 'ok' : 'undecided';
}

function transition(
  rule: AlertRule,
  memory: RuleMemory,
  verdict: Verdict,
  newestBreaches: boolean,
  now: Date,
): void {
  const enter = (state: RuleState) => {
    memory.state = state;
    memory.stateSince = now;
  };
  if (memory.state === 'FIRING') {
    if (verdict === 'alarm') {
      memory.clearSince = null;
    } else if (verdict === 'ok') {
      memory.clearSince ??= now;
      const clearForMs = now.getTime() - memory.clearSince.getTime();
      if (clearForMs >= rule.keepFiringForSeconds * 1_000) {
        enter('OK');
        memory.clearSince = null;
      }
    }
    // No data, or not enough to decide: a firing alert is not resolved by missing data.
    return;
  }
  if (verdict === 'alarm') {
    enter('FIRING');
    memory.episodeStartedAt = now;
    memory.announced = false;
    memory.clearSince = null;
    return;
  }
  if (verdict === 'no-data' && rule.treatMissingData === 'missing') {
    if (memory.state === 'PENDING') enter('OK');
    return;
  }
  if (verdict === 'ok' || verdict === 'undecided') {
    if (newestBreaches && memory.state === 'OK') enter('PENDING');
    else if (!newestBreaches && memory.state === 'PENDING') enter('OK');
  }
}

function isMuted(rule: AlertRule, now: Date): boolean {
  return rule.mutedUntil !== null && rule.mutedUntil.getTime() > now.getTime();
}

/**
 * FIRING once per episode (again after a mute ends while it still fires), RESOLVED when an announced
 * episode ends, REMINDER every repeat interval in between; nothing while muted.
 */
function notificationOwed(
  rule: AlertRule,
  before: RuleMemory,
  memory: RuleMemory,
  now: Date,
): NotificationKind | undefined {
  const muted = isMuted(rule, now);
  if (before.state === 'FIRING' && memory.state !== 'FIRING') {
    const owed = memory.announced && !muted ? 'RESOLVED' : undefined;
    memory.announced = false;
    if (owed) memory.lastNotifiedAt = now;
    return owed;
  }
  if (memory.state !== 'FIRING') return undefined;
  if (muted) {
    memory.announced = false;
    return undefined;
  }
  if (!memory.announced) {
    memory.announced = true;
    memory.lastNotifiedAt = now;
    return 'FIRING';
  }
  const sinceLastMs = now.getTime() - (memory.lastNotifiedAt?.getTime() ?? 0);
  if (sinceLastMs >= rule.repeatIntervalSeconds * 1_000) {
    memory.lastNotifiedAt = now;
    return 'REMINDER';
  }
  return undefined;
}

function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/0+$/, '');
}

function explain(rule: AlertRule, window: Slot[], verdict: Verdict): string {
  const points = window
    .map((slot) =>
      slot.value === undefined ? '-' : `${formatValue(slot.value)}${slot.breaching ? '!' : ''}`,
    )
    .join(' ');
  const breaching = window.filter((slot) => slot.breaching).length;
  const rule_ = `${rule.metricName} ${rule.condition} ${rule.threshold}`;
  const tally = `${breaching} of the last ${rule.evaluationPeriods} periods breach ${rule_} (needs ${rule.datapointsToAlarm}; missing data: ${rule.treatMissingData})`;
  const outcome = {
    alarm: 'breaching',
    ok: 'within the threshold',
    undecided: 'not enough data to decide, state kept',
    'no-data': 'no data in the evaluation range',
  }[verdict];
  return `${outcome}: ${tally}; newest first: [${points}]`;
}
