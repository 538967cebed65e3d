import type { QueryType } from '../shared/database';
import type { NotificationKind, RuleMemory, RuleState } from './evaluate-rule';

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
  memory: RuleMemory | undefined;
  version: number;
}

/** A rule's new memory, written only if nobody wrote the rule since it was read. */
export interface RuleWrite {
  ruleId: string;
  expectedVersion: number;
  memory: RuleMemory;
  notification?: { kind: NotificationKind; dedupKey: string; message: unknown };
}

export interface QueuedNotification {
  id: number;
  ruleId: string;
  kind: NotificationKind;
  message: unknown;
}

const STATE_COLUMNS = `s.state AS "s.state", s.state_since AS "s.state_since",
  s.episode_started_at AS "s.episode_started_at", s.announced AS "s.announced",
  s.last_notified_at AS "s.last_notified_at", s.clear_since AS "s.clear_since", s.last_value AS "s.last_value",
  s.last_evaluated_at AS "s.last_evaluated_at", s.error AS "s.error", s.error_since AS "s.error_since",
  s.version AS "s.version"`;

/** Published notifications are kept this long (what was sent, and when), then deleted. */
export const PUBLISHED_RETENTION_DAYS = 30;

/**
 * The evaluator's Postgres: rules and their memory in one query, every rule's new memory and the
 * notifications it causes in one conditional statement, and the outbox of notifications still to publish.
 * A run makes the same few round trips whatever the number of rules.
 */
export class RuleStore {
  readonly #db: SqlClient;
  /** How long a run owns the notifications it is publishing; another run publishes them after that. */
  readonly #claimSeconds: number;

  constructor(db: SqlClient, options: { claimSeconds: number }) {
    this.#db = db;
    this.#claimSeconds = options.claimSeconds;
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
   * Notifications an earlier run queued but could not publish (or crashed before it did), claimed for this
   * run, oldest first. Published ones older than PUBLISHED_RETENTION_DAYS are deleted in the same statement,
   * so that the outbox does not grow forever.
   */
  async claimPending(limit: number): Promise<QueuedNotification[]> {
    const { rows } = await this.#db.query<NotificationRow>(
      'update',
      `WITH pruned AS (
         DELETE FROM alert_notifications
          WHERE published_at < now() - make_interval(days => ${PUBLISHED_RETENTION_DAYS})
       )
       UPDATE alert_notifications SET claimed_until = now() + make_interval(secs => $1)
        WHERE id IN (SELECT id FROM alert_notifications
                      WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
                      ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, rule_id, kind, message`,
      [this.#claimSeconds, limit],
    );
    return rows.map(toQueued).sort((a, b) => a.id - b.id);
  }

  /**
   * Writes every rule's memory, each only if its version is still the one read, and queues the
   * notifications of the writes that won, claimed for this run. Returns the rules written and the queued.
   */
  async write(writes: RuleWrite[]): Promise<{ written: Set<string>; queued: QueuedNotification[] }> {
    if (writes.length === 0) return { written: new Set(), queued: [] };
    const input = writes.map(({ ruleId, expectedVersion, memory, notification }) => ({
      rule_id: ruleId,
      version: expectedVersion + 1,
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
    }));
    const { rows } = await this.#db.query<{ written: string[]; queued: NotificationRow[] }>(
      'insert',
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
           rule_id text, version bigint, state text, state_since timestamptz, episode_started_at timestamptz,
           announced boolean, last_notified_at timestamptz, clear_since timestamptz, last_value double precision,
           last_evaluated_at timestamptz, error text, error_since timestamptz, kind text, dedup_key text,
           message jsonb)
       ),
       written AS (
         INSERT INTO alert_rule_state AS s (rule_id, state, state_since, episode_started_at, announced,
                last_notified_at, clear_since, last_value, last_evaluated_at, error, error_since, version)
         SELECT rule_id, state, state_since, episode_started_at, announced, last_notified_at, clear_since,
                last_value, last_evaluated_at, error, error_since, version
           FROM input
          WHERE EXISTS (SELECT 1 FROM alert_rules r WHERE r.id = input.rule_id)
         ON CONFLICT (rule_id) DO UPDATE
            SET state = EXCLUDED.state, state_since = EXCLUDED.state_since,
                episode_started_at = EXCLUDED.episode_started_at, announced = EXCLUDED.announced,
                last_notified_at = EXCLUDED.last_notified_at, clear_since = EXCLUDED.clear_since,
                last_value = EXCLUDED.last_value, last_evaluated_at = EXCLUDED.last_evaluated_at,
                error = EXCLUDED.error, error_since = EXCLUDED.error_since, version = EXCLUDED.version
          WHERE s.version = EXCLUDED.version - 1
         RETURNING s.rule_id
       ),
       queued AS (
         INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, claimed_until)
         SELECT i.rule_id, i.kind, i.dedup_key, i.message, now() + make_interval(secs => $2)
           FROM input i JOIN written w ON w.rule_id = i.rule_id
          WHERE i.kind IS NOT NULL
          ORDER BY i.rule_id
         RETURNING id, rule_id, kind, message
       )
       SELECT (SELECT coalesce(jsonb_agg(rule_id), '[]'::jsonb) FROM written) AS written,
              (SELECT coalesce(jsonb_agg(queued ORDER BY id), '[]'::jsonb) FROM queued) AS queued`,
      [JSON.stringify(input), this.#claimSeconds],
    );
    const [row] = rows;
    return { written: new Set(row?.written ?? []), queued: (row?.queued ?? []).map(toQueued) };
  }

  /** Marks what SNS accepted as published, and releases what it refused for the next run to retry. */
  async settle(outcomes: { id: number; error?: string }[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.#db.query(
      'update',
      `UPDATE alert_notifications AS n
          SET attempts = n.attempts + 1,
              published_at = CASE WHEN o.error IS NULL THEN now() END,
              last_error = o.error,
              claimed_until = NULL
         FROM jsonb_to_recordset($1::jsonb) AS o(id bigint, error text)
        WHERE n.id = o.id`,
      [JSON.stringify(outcomes.map(({ id, error }) => ({ id, error: error ?? null })))],
    );
  }
}

interface NotificationRow extends Record<string, unknown> {
  id: number | string;
  rule_id: string;
  kind: NotificationKind;
  message: unknown;
}

function toQueued(row: NotificationRow): QueuedNotification {
  return { id: Number(row.id), ruleId: row.rule_id, kind: row.kind, message: row.message };
}

function date(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(String(value));
}

function toStoredRule(row: Record<string, unknown>): StoredRule {
  const columns: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (!key.startsWith('s.')) columns[key] = value;
  }
  for (const key of ['created_at', 'updated_at']) delete columns[key];
  if (row['s.state'] === null || row['s.state'] === undefined)
    return { columns, memory: undefined, version: 0 };
  return {
    columns,
    version: Number(row['s.version']),
    memory: {
      state: row['s.state'] as RuleState,
      stateSince: date(row['s.state_since']) as Date,
      episodeStartedAt: date(row['s.episode_started_at']),
      announced: row['s.announced'] === true,
      lastNotifiedAt: date(row['s.last_notified_at']),
      clearSince: date(row['s.clear_since']),
      lastValue: row['s.last_value'] === null ? null : Number(row['s.last_value']),
      lastEvaluatedAt: date(row['s.last_evaluated_at']) as Date,
      error: (row['s.error'] as string | null) ?? null,
      errorSince: date(row['s.error_since']),
    },
  };
}
