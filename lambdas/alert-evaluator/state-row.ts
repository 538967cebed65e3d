import { RULE_STATES, type RuleMemory, type RuleState } from './evaluate-rule';

/** Where on-call reads what to do with a rule whose state row cannot be read. */
const REMEDY = 'fix or delete the row (docs/MONITORING_RUNBOOK.md#alert-rules-in-error)';

/** A rule's row of `alert_rule_state` as read: its memory, or why the code cannot hold it. */
export type StateRow =
  | { readable: true; memory: RuleMemory }
  | {
      readable: false;
      /** Names the column and the value, e.g. `alert_rule_state.state_since: not a finite timestamp (Infinity)`. */
      problem: string;
      /** The row's `error` column, when that much could be read: whether the rule is already known in error. */
      error: string | null;
      /** The row's `state`, when it is one: what the rule is beneath its error. */
      state: RuleState | null;
    };

const REQUIRED_TIMESTAMPS = ['state_since', 'last_evaluated_at'] as const;
const OPTIONAL_TIMESTAMPS = ['episode_started_at', 'last_notified_at', 'clear_since', 'error_since'] as const;
type TimestampColumn = (typeof REQUIRED_TIMESTAMPS)[number] | (typeof OPTIONAL_TIMESTAMPS)[number];

class UnreadableColumn extends Error {}

/**
 * Reads the state columns (`column` → value as pg returns it) into a rule's memory, checking each: pg returns
 * `infinity` as the number Infinity and a timestamp past year 275760 as an Invalid Date, and a `NaN` in
 * `last_value` as NaN. A value the code cannot hold makes the row unreadable, naming the column, instead of
 * failing the run or turning into `null` on the way back (JSON writes an Invalid Date as null).
 */
export function readStateRow(column: (name: string) => unknown): StateRow {
  const error = typeof column('error') === 'string' ? (column('error') as string) : null;
  try {
    const timestamps = {} as Record<TimestampColumn, Date | null>;
    for (const name of REQUIRED_TIMESTAMPS) timestamps[name] = timestampOf(name, column(name), true);
    for (const name of OPTIONAL_TIMESTAMPS) timestamps[name] = timestampOf(name, column(name), false);
    return {
      readable: true,
      memory: {
        state: stateOf(column('state')),
        stateSince: timestamps.state_since as Date,
        episodeStartedAt: timestamps.episode_started_at,
        announced: column('announced') === true,
        lastNotifiedAt: timestamps.last_notified_at,
        clearSince: timestamps.clear_since,
        lastValue: lastValueOf(column('last_value')),
        lastEvaluatedAt: timestamps.last_evaluated_at as Date,
        error,
        errorSince: timestamps.error_since,
      },
    };
  } catch (problem) {
    if (!(problem instanceof UnreadableColumn)) throw problem;
    const state = column('state');
    return {
      readable: false,
      problem: `${problem.message}; ${REMEDY}`,
      error,
      state: (RULE_STATES as readonly unknown[]).includes(state) ? (state as RuleState) : null,
    };
  }
}

function timestampOf(name: TimestampColumn, value: unknown, required: boolean): Date | null {
  if (value === null || value === undefined) {
    if (required) throw new UnreadableColumn(`alert_rule_state.${name}: missing`);
    return null;
  }
  const date = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || !Number.isFinite(date.getTime())) {
    throw new UnreadableColumn(`alert_rule_state.${name}: not a finite timestamp (${describe(value)})`);
  }
  return date;
}

function stateOf(value: unknown): RuleState {
  if ((RULE_STATES as readonly unknown[]).includes(value)) return value as RuleState;
  throw new UnreadableColumn(
    `alert_rule_state.state: got ${describe(value)}, expected one of ${RULE_STATES.join(', ')}`,
  );
}

function lastValueOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const number = Number(value);
  if (!Number.isFinite(number)) {
    throw new UnreadableColumn(`alert_rule_state.last_value: not a finite number (${describe(value)})`);
  }
  return number;
}

/** A short, printable description of an unreadable value: never more than 40 characters. */
function describe(value: unknown): string {
  const text =
    value instanceof Date
      ? 'Invalid Date'
      : typeof value === 'string'
        ? JSON.stringify(value)
        : String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
