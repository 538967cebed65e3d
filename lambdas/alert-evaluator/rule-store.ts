import pg from 'pg';
import type { QueryType } from '../shared/database';
import { initialMemory, type NotificationKind, type RuleMemory, type RuleState } from './evaluate-rule';
import { readStateRow } from './state-row';

/** What the store needs of a database: the shared `Database` (with its query metrics), or a test double. */
export interface SqlClient {
  query<Row extends Record<string, unknown>>(
    queryType: QueryType,
    text: string,
    values?: unknown[],
  ): Promise<{ rows: Row[] }>;
}

/** One row of `alert_rules` as read (columns by name, unvalidated) with the rule's memory, if any. */
export interface StoredRule {
  columns: Record<string, unknown>;
  /** Undefined when the rule was never evaluated, or when its state row cannot be read (`unreadable`). */
  memory: RuleMemory | undefined;
  /** The state row exists but holds what the code cannot represent: the rule is in ERROR until it is fixed. */
  unreadable?: { problem: string; error: string | null; state: RuleState | null };
  version: number;
}

/** A rule's new memory, and the notification it owes, written only if nobody wrote the rule since it was read. */
export interface MemoryWrite {
  ruleId: string;
  expectedVersion: number;
  memory: RuleMemory;
  notification?: { kind: NotificationKind; dedupKey: string; message: unknown };
}

/** Only the rule's error, for a row whose other columns stay as they are (unreadable, or not writable). */
export interface ErrorWrite {
  ruleId: string;
  expectedVersion: number;
  error: { reason: string; at: Date };
}

export type RuleWrite = MemoryWrite | ErrorWrite;

export interface WriteResult {
  /** Rules whose write won (another, overlapping run wrote the rest first). */
  written: Set<string>;
  /** Rules whose new memory the database refused, with why: each got an error-only write instead. */
  refused: Map<string, string>;
  /** Notifications queued for publishing. */
  queued: number;
  /** Pending notifications this write made stale (docs/alert-rules.md, "Delivery"). */
  superseded: number;
  /** Notifications owed but not queued: a REMINDER while FIRING is pending, an unannounced episode's RESOLVED. */
  suppressed: number;
}

const STATE_COLUMNS = `s.state AS "s.state", s.state_since AS "s.state_since",
  s.episode_started_at AS "s.episode_started_at", s.announced AS "s.announced",
  s.last_notified_at AS "s.last_notified_at", s.clear_since AS "s.clear_since", s.last_value AS "s.last_value",
  s.last_evaluated_at AS "s.last_evaluated_at", s.error AS "s.error", s.error_since AS "s.error_since",
  s.version AS "s.version"`;

/**
 * The evaluator's Postgres for rules and their memory: every rule with its memory in one query, and every
 * rule's new memory with the notification it owes in one conditional statement. A rule the database refuses
 * to write is found by halving the batch, so that one bad row costs a few statements, never the run.
 */
export class RuleStore {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /** Enabled rules (all rules with `includeDisabled`) with their memory. */
  async loadRules(options: { includeDisabled?: boolean } = {}): Promise<StoredRule[]> {
    const { rows } = await this.#db.query<Record<string, unknown>>(
      'select',
      `SELECT r.*, ${STATE_COLUMNS}
         FROM alert_rules r LEFT JOIN alert_rule_state s ON s.rule_id = r.id
        WHERE r.enabled OR $1
        ORDER BY r.id`,
      [options.includeDisabled === true],
    );
    return rows.map(toStoredRule);
  }

  /**
   * Writes every rule's memory, each only if its version is still the one read, and queues the notifications
   * of the writes that won. A batch Postgres refuses for what one row holds (a data or integrity error) is
   * halved until the refused rules are found; each of those gets its error written instead. Anything else
   * (a timeout, a lost connection) fails the whole write: trying row by row would only multiply the wait.
   */
  async write(writes: RuleWrite[], now: Date): Promise<WriteResult> {
    const result: WriteResult = {
      written: new Set(),
      refused: new Map(),
      queued: 0,
      superseded: 0,
      suppressed: 0,
    };
    await this.#writeBatch(writes, now, result);
    return result;
  }

  async #writeBatch(writes: RuleWrite[], now: Date, result: WriteResult): Promise<void> {
    if (writes.length === 0) return;
    try {
      const outcome = await this.#writeStatement(writes);
      for (const ruleId of outcome.written) result.written.add(ruleId);
      result.queued += outcome.queued;
      result.superseded += outcome.superseded;
      result.suppressed += outcome.suppressed;
    } catch (error) {
      if (!refusedForWhatItHolds(error)) throw error;
      if (writes.length > 1) {
        const half = Math.ceil(writes.length / 2);
        await this.#writeBatch(writes.slice(0, half), now, result);
        await this.#writeBatch(writes.slice(half), now, result);
        return;
      }
      const [write] = writes as [RuleWrite];
      const reason = `the state could not be written: ${describeRefusal(error)}`;
      result.refused.set(write.ruleId, reason);
      if ('error' in write) return; // even its error is refused: the run reports it, the row stays as it was
      const outcome = await this.#writeStatement([errorWriteFor(write, reason, now)]).catch((again) => {
        if (refusedForWhatItHolds(again)) return { written: [], queued: 0, superseded: 0, suppressed: 0 };
        throw again;
      });
      for (const ruleId of outcome.written) result.written.add(ruleId);
    }
  }

  async #writeStatement(
    writes: RuleWrite[],
  ): Promise<{ written: string[]; queued: number; superseded: number; suppressed: number }> {
    const input = writes.map(toInputRow);
    const { rows } = await this.#db.query<{
      written: string[];
      queued: number;
      superseded: number;
      suppressed: number;
    }>('insert', WRITE_STATEMENT, [JSON.stringify(input)]);
    const [row] = rows;
    return {
      written: row?.written ?? [],
      queued: row?.queued ?? 0,
      superseded: row?.superseded ?? 0,
      suppressed: row?.suppressed ?? 0,
    };
  }
}

/**
 * One statement: the memories (conditional on the version read), the error-only writes, and the outbox. Of the
 * notifications owed by the writes that won: a REMINDER is not queued while its episode's FIRING is still
 * pending (the FIRING says it), and a RESOLVED whose FIRING is still pending, unclaimed and never possibly sent
 * (a publish that got no answer may have reached SNS) is not queued: that FIRING is superseded instead (an
 * episode nobody was told of ends silently). A queued message supersedes the
 * rule's pending REMINDER and its pending message of the same kind; a new FIRING supersedes the RESOLVED of an
 * older episode whose FIRING it supersedes unsent (one that may have been sent keeps its RESOLVED). The table
 * allows one pending message per rule and kind, checked at the end of the statement; every CTE reads the outbox
 * as it was before the statement.
 */
const WRITE_STATEMENT = `WITH input AS (
   SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
     rule_id text, version bigint, error_only boolean, state text, state_since timestamptz,
     episode_started_at timestamptz, announced boolean, last_notified_at timestamptz, clear_since timestamptz,
     last_value double precision, last_evaluated_at timestamptz, error text, error_since timestamptz,
     kind text, dedup_key text, message jsonb)
 ),
 written AS (
   INSERT INTO alert_rule_state AS s (rule_id, state, state_since, episode_started_at, announced,
          last_notified_at, clear_since, last_value, last_evaluated_at, error, error_since, version)
   SELECT rule_id, state, state_since, episode_started_at, announced, last_notified_at, clear_since,
          last_value, last_evaluated_at, error, error_since, version
     FROM input
    WHERE NOT error_only AND EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = input.rule_id)
   ON CONFLICT (rule_id) DO UPDATE
      SET state = EXCLUDED.state, state_since = EXCLUDED.state_since,
          episode_started_at = EXCLUDED.episode_started_at, announced = EXCLUDED.announced,
          last_notified_at = EXCLUDED.last_notified_at, clear_since = EXCLUDED.clear_since,
          last_value = EXCLUDED.last_value, last_evaluated_at = EXCLUDED.last_evaluated_at,
          error = EXCLUDED.error, error_since = EXCLUDED.error_since, version = EXCLUDED.version
    WHERE s.version = EXCLUDED.version - 1
   RETURNING s.rule_id
 ),
 errored AS (
   UPDATE alert_rule_state AS s
      SET error = i.error, error_since = coalesce(s.error_since, i.error_since),
          last_evaluated_at = i.last_evaluated_at, version = i.version
     FROM input i
    WHERE i.error_only AND s.rule_id = i.rule_id AND s.version = i.version - 1
   RETURNING s.rule_id
 ),
 pending AS (
   SELECT n.id, n.rule_id, n.kind, n.dedup_key,
          coalesce(n.claimed_until > now(), false) OR n.maybe_sent AS maybe_told
     FROM alert_notifications n
    WHERE n.outcome IS NULL AND n.rule_id IN (SELECT rule_id FROM input WHERE kind IS NOT NULL)
 ),
 owed AS (
   SELECT i.rule_id, i.kind, i.dedup_key, i.message,
          CASE i.kind
            WHEN 'REMINDER' THEN NOT EXISTS (SELECT 1 FROM pending p WHERE p.rule_id = i.rule_id
                                               AND p.kind = 'FIRING' AND p.dedup_key = i.dedup_key)
            WHEN 'RESOLVED' THEN NOT EXISTS (SELECT 1 FROM pending p WHERE p.rule_id = i.rule_id
                                               AND p.kind = 'FIRING' AND p.dedup_key = i.dedup_key AND NOT p.maybe_told)
            ELSE true
          END AS queue
     FROM input i JOIN written w ON w.rule_id = i.rule_id
    WHERE i.kind IS NOT NULL
 ),
 superseded AS (
   UPDATE alert_notifications AS n
      SET outcome = 'superseded', settled_at = now()
     FROM owed o
    WHERE n.rule_id = o.rule_id AND n.outcome IS NULL
      AND (n.kind = 'REMINDER'
           OR (o.queue AND n.kind = o.kind)
           OR (NOT o.queue AND o.kind = 'RESOLVED' AND n.kind = 'FIRING' AND n.dedup_key = o.dedup_key
               AND NOT n.maybe_sent)
           OR (o.kind = 'FIRING' AND n.kind = 'RESOLVED'
               AND n.dedup_key IN (SELECT p.dedup_key FROM pending p
                                    WHERE p.rule_id = o.rule_id AND p.kind = 'FIRING' AND NOT p.maybe_told)))
   RETURNING n.id
 ),
 queued AS (
   INSERT INTO alert_notifications (rule_id, kind, dedup_key, message)
   SELECT rule_id, kind, dedup_key, message FROM owed WHERE queue ORDER BY rule_id
   RETURNING id
 )
 SELECT (SELECT coalesce(jsonb_agg(rule_id), '[]'::jsonb)
           FROM (SELECT rule_id FROM written UNION ALL SELECT rule_id FROM errored) AS won) AS written,
        (SELECT count(*)::int FROM queued) AS queued,
        (SELECT count(*)::int FROM superseded) AS superseded,
        (SELECT count(*)::int FROM owed WHERE NOT queue) AS suppressed`;

function toInputRow(write: RuleWrite) {
  const base = { rule_id: write.ruleId, version: write.expectedVersion + 1 };
  if ('error' in write) {
    return {
      ...base,
      error_only: true,
      error: write.error.reason,
      error_since: write.error.at,
      last_evaluated_at: write.error.at,
    };
  }
  const { memory, notification } = write;
  return {
    ...base,
    error_only: false,
    state: memory.state,
    state_since: memory.stateSince,
    episode_started_at: memory.episodeStartedAt,
    announced: memory.announced,
    last_notified_at: memory.lastNotifiedAt,
    clear_since: memory.clearSince,
    last_value: memory.lastValue,
    last_evaluated_at: memory.lastEvaluatedAt,
    error: memory.error,
    error_since: memory.errorSince,
    kind: notification?.kind ?? null,
    dedup_key: notification?.dedupKey ?? null,
    message: notification?.message ?? null,
  };
}

/** The error-only write of a rule whose memory was refused; a rule without a row gets a fresh one in error. */
function errorWriteFor(write: MemoryWrite, reason: string, now: Date): RuleWrite {
  if (write.expectedVersion > 0)
    return { ruleId: write.ruleId, expectedVersion: write.expectedVersion, error: { reason, at: now } };
  return {
    ruleId: write.ruleId,
    expectedVersion: 0,
    memory: { ...initialMemory(now), error: reason, errorSince: now },
  };
}

/**
 * Postgres refused the statement for what a row holds: a data exception (22), an integrity violation (23), an
 * exception a trigger raised (P0). Other errors say nothing about one row.
 */
function refusedForWhatItHolds(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && /^(22|23|P0)/.test(error.code ?? '');
}

function describeRefusal(error: pg.DatabaseError): string {
  return `${error.message} (${error.code})`.slice(0, 300);
}

function toStoredRule(row: Record<string, unknown>): StoredRule {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (!key.startsWith('s.')) columns[key] = value;
  }
  for (const key of ['created_at', 'updated_at']) delete columns[key];
  if (row['s.version'] === null || row['s.version'] === undefined)
    return { columns, memory: undefined, version: 0 };
  const version = Number(row['s.version']);
  const state = readStateRow((name) => row[`s.${name}`]);
  if (!state.readable) {
    const { problem, error } = state;
    return { columns, memory: undefined, unreadable: { problem, error, state: state.state }, version };
  }
  return { columns, memory: state.memory, version };
}
