import type { NotificationKind } from './evaluate-rule';
import type { SqlClient } from './rule-store';

export interface QueuedNotification {
  id: number;
  ruleId: string;
  kind: NotificationKind;
  message: unknown;
}

/** How one claimed notification ended this run. */
export type Settlement =
  | { id: number; result: 'published' }
  /** Refused for good (SNS said so, or it is not an alert message): never tried again. */
  | { id: number; result: 'failed'; error: string }
  /**
   * Refused for now: pending, the next run tries it again; `uncertain` (no answer in time, SNS may have it):
   * only after RETRY_BACKOFF, doubling with each attempt.
   */
  | { id: number; result: 'retry'; error: string; uncertain?: boolean }
  /** Not tried (an older message of its rule failed, or the run's deadline came): pending, untouched. */
  | { id: number; result: 'released' };

/** A pending FIRING, RESOLVED or REMINDER is given up this long after it was queued (docs/alert-rules.md). */
export const PENDING_MAX_AGE_HOURS = 24;
/** Settled notifications (published, failed, superseded, expired) are kept this long, then deleted. */
export const SETTLED_RETENTION_DAYS = 30;
/**
 * The wait before a publish that got no answer is tried again: 1 minute after the first, then 2, 4, and 8 at
 * most. A persistently slow SNS (which may take what it does not answer) delivers a message a few times an
 * hour at worst instead of once a run; a hung one delays delivery by 8 minutes at worst after it is back.
 */
export const RETRY_BACKOFF = { firstMinutes: 1, maxMinutes: 8 } as const;

/**
 * The outbox's publishing side: which pending notifications a run publishes, in what order, and what became of
 * them. A notification is queued by `RuleStore.write` in the statement of the transition that caused it.
 */
export class OutboxStore {
  readonly #db: SqlClient;
  /** How long a run owns the notifications it claimed; after that, another run may publish them. */
  readonly #claimSeconds: number;

  constructor(db: SqlClient, options: { claimSeconds: number }) {
    this.#db = db;
    this.#claimSeconds = options.claimSeconds;
  }

  /**
   * In one statement: expires what has been pending longer than PENDING_MAX_AGE_HOURS, deletes what was settled
   * longer than SETTLED_RETENTION_DAYS ago, and claims up to `limit` pending notifications for this run. Each
   * rule's are claimed oldest first, and the rules take turns (every rule's oldest before any rule's second), so
   * that no rule's backlog delays another's; among the turns, the least tried go first, so that messages SNS
   * keeps refusing cannot hold the others back. A rule with a notification another run holds, or one waiting
   * for its retry, is left alone.
   */
  async claim(limit: number): Promise<{ claimed: QueuedNotification[]; expired: QueuedNotification[] }> {
    const { rows } = await this.#db.query<{ claimed: NotificationRow[]; expired: NotificationRow[] }>(
      'update',
      `WITH expired AS (
         UPDATE alert_notifications SET outcome = 'expired', settled_at = now(), claimed_until = NULL
          WHERE outcome IS NULL AND created_at < now() - make_interval(hours => ${PENDING_MAX_AGE_HOURS})
            AND (claimed_until IS NULL OR claimed_until < now())
         RETURNING id, rule_id, kind, NULL::jsonb AS message
       ),
       pruned AS (
         DELETE FROM alert_notifications
          WHERE outcome IS NOT NULL AND settled_at < now() - make_interval(days => ${SETTLED_RETENTION_DAYS})
       ),
       candidates AS (
         SELECT n.id, n.attempts, row_number() OVER (PARTITION BY n.rule_id ORDER BY n.id) AS position
           FROM alert_notifications n
          WHERE n.outcome IS NULL
            AND n.created_at >= now() - make_interval(hours => ${PENDING_MAX_AGE_HOURS})
            AND NOT EXISTS (SELECT 1 FROM alert_notifications waiting
                             WHERE waiting.rule_id = n.rule_id AND waiting.outcome IS NULL AND waiting.id <= n.id
                               AND waiting.retry_after > now())
            AND NOT EXISTS (SELECT 1 FROM alert_notifications held
                             WHERE held.rule_id = n.rule_id AND held.outcome IS NULL AND held.id <= n.id
                               AND held.claimed_until >= now())
       ),
       claimed AS (
         UPDATE alert_notifications SET claimed_until = now() + make_interval(secs => $1)
          WHERE id IN (SELECT id FROM candidates ORDER BY position, attempts, id LIMIT $2)
            AND outcome IS NULL AND (claimed_until IS NULL OR claimed_until < now())
         RETURNING id, rule_id, kind, message
       )
       SELECT (SELECT coalesce(jsonb_agg(to_jsonb(c) ORDER BY k.position, k.attempts, c.id), '[]'::jsonb)
                 FROM claimed c JOIN candidates k ON k.id = c.id) AS claimed,
              (SELECT coalesce(jsonb_agg(expired ORDER BY id), '[]'::jsonb) FROM expired) AS expired`,
      [this.#claimSeconds, limit],
    );
    const [row] = rows;
    return { claimed: (row?.claimed ?? []).map(toQueued), expired: (row?.expired ?? []).map(toQueued) };
  }

  /**
   * Records what became of the claimed notifications and gives up the claim. A notification another run
   * superseded while this one was publishing it stays superseded, unless this run did publish it: then the
   * record says so.
   */
  async settle(settlements: Settlement[]): Promise<void> {
    if (settlements.length === 0) return;
    await this.#db.query(
      'update',
      `UPDATE alert_notifications AS n
          SET attempts = n.attempts + CASE WHEN o.result = 'released' THEN 0 ELSE 1 END,
              outcome = CASE
                          WHEN o.result = 'published' THEN 'published'
                          WHEN o.result = 'failed' AND n.outcome IS NULL THEN 'failed'
                          ELSE n.outcome
                        END,
              settled_at = CASE
                             WHEN o.result = 'published' OR (o.result = 'failed' AND n.outcome IS NULL) THEN now()
                             ELSE n.settled_at
                           END,
              published_at = CASE WHEN o.result = 'published' THEN now() ELSE n.published_at END,
              last_error = CASE
                             WHEN o.result = 'published' THEN NULL
                             WHEN o.result = 'released' THEN n.last_error
                             ELSE o.error
                           END,
              retry_after = CASE
                              WHEN o.result = 'retry' AND o.uncertain
                                THEN now() + make_interval(mins => least(${RETRY_BACKOFF.firstMinutes} * power(2, n.attempts)::int,
                                                                            ${RETRY_BACKOFF.maxMinutes}))
                              WHEN o.result = 'released' THEN n.retry_after
                            END,
              maybe_sent = n.maybe_sent OR (o.result = 'retry' AND o.uncertain),
              claimed_until = NULL
         FROM jsonb_to_recordset($1::jsonb) AS o(id bigint, result text, error text, uncertain boolean)
        WHERE n.id = o.id`,
      [
        JSON.stringify(
          settlements.map((settlement) => ({
            id: settlement.id,
            result: settlement.result,
            error: 'error' in settlement ? settlement.error : null,
            uncertain: 'uncertain' in settlement && settlement.uncertain === true,
          })),
        ),
      ],
    );
  }
}

interface NotificationRow {
  id: number | string;
  rule_id: string;
  kind: NotificationKind;
  message: unknown;
}

function toQueued(row: NotificationRow): QueuedNotification {
  return { id: Number(row.id), ruleId: row.rule_id, kind: row.kind, message: row.message };
}
