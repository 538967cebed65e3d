import type pg from 'pg';
import { messageKey, minuteOf, type PostedAlert } from './slack-posts';

interface OutboxRow {
  id: string;
  rule_id: string;
  kind: 'FIRING' | 'RESOLVED' | 'REMINDER';
  dedup_key: string;
  evaluated_at: string;
  outcome: string | null;
  maybe_sent: boolean;
}

export interface SoakChecks {
  /** Notifications the evaluator queued, by kind and outcome. */
  queued: Record<string, Record<string, number>>;
  /** FIRING and RESOLVED published: the transitions on-call was told of. */
  transitions: number;
  /** Published messages that reached Slack more than once, and how many extra posts. */
  duplicates: number;
  /** Published messages that never reached Slack. */
  losses: number;
  /** Messages made stale (superseded, expired) or refused that reached Slack anyway, or a reminder of an ended episode. */
  staleSent: number;
  /** Slack posts that match no message the evaluator queued. */
  unexplained: number;
  /** Per rule, published transitions that do not alternate FIRING, RESOLVED of the same episode. */
  outOfOrder: number;
  /**
   * RESOLVEDs published after their FIRING was superseded unsent, but after an attempt that got no answer (SNS
   * may have taken it): sent by design, so that an episode on-call may have seen always ends.
   */
  resolvedAfterUncertainFiring: number;
  /** Slack posts that arrived after a later message of their rule (dead letters redriven, retries). */
  arrivedLate: number;
  /** Episodes whose FIRING reached Slack and whose RESOLVED did not, though the rule no longer fires them. */
  leftOpen: number;
  /** Still pending at the end. */
  pending: number;
  failures: string[];
}

/**
 * The soak's verdict, from the outbox (every notification the evaluator queued, and what became of it) and
 * what reached Slack: every published message exactly once, nothing stale, nothing unexplained, each rule's
 * transitions published in order, nothing left pending.
 */
export async function checkSoak(
  db: pg.Pool,
  posts: PostedAlert[],
  poisonRules: { ruleId: string; expectError: boolean }[],
): Promise<SoakChecks> {
  const { rows } = await db.query<OutboxRow>(
    `SELECT id, rule_id, kind, dedup_key, message->>'evaluatedAt' AS evaluated_at, outcome, maybe_sent
       FROM alert_notifications ORDER BY id`,
  );
  const failures: string[] = [];
  const postsByKey = new Map<string, number>();
  for (const post of posts) {
    const key = messageKey(post.dedupKey, post.state, post.evaluated);
    postsByKey.set(key, (postsByKey.get(key) ?? 0) + 1);
  }
  const keyOf = (row: OutboxRow) => messageKey(row.dedup_key, row.kind, minuteOf(row.evaluated_at));
  const queued: SoakChecks['queued'] = {};
  let duplicates = 0;
  let losses = 0;
  let staleSent = 0;
  let pending = 0;
  const known = new Set<string>();
  for (const row of rows) {
    const outcome = row.outcome ?? 'pending';
    queued[row.kind] ??= {};
    (queued[row.kind] as Record<string, number>)[outcome] =
      ((queued[row.kind] as Record<string, number>)[outcome] ?? 0) + 1;
    const key = keyOf(row);
    known.add(key);
    const delivered = postsByKey.get(key) ?? 0;
    if (outcome === 'pending') pending += 1;
    if (outcome === 'published') {
      if (delivered === 0) {
        losses += 1;
        failures.push(`lost: ${row.kind} of ${row.rule_id} (${key}) was published but never reached Slack`);
      }
      if (delivered > 1) {
        duplicates += delivered - 1;
        failures.push(`duplicate: ${row.kind} of ${row.rule_id} (${key}) reached Slack ${delivered} times`);
      }
    } else if (delivered > 0) {
      staleSent += delivered;
      failures.push(`stale: ${row.kind} of ${row.rule_id} (${key}) is ${outcome} but reached Slack`);
    }
    if (outcome === 'failed') failures.push(`refused for good: ${row.kind} of ${row.rule_id} (${key})`);
  }
  if (pending > 0) failures.push(`${pending} notification(s) still pending after the drain`);
  const unexplained = [...postsByKey.keys()].filter((key) => !known.has(key)).length;
  if (unexplained > 0) failures.push(`${unexplained} Slack post(s) match no queued notification`);

  // Each rule's published messages, in the order they were queued (and so published)
  let outOfOrder = 0;
  let resolvedAfterUncertainFiring = 0;
  let transitions = 0;
  const uncertainFirings = new Set(
    rows
      .filter((row) => row.kind === 'FIRING' && row.outcome === 'superseded' && row.maybe_sent)
      .map((row) => row.dedup_key),
  );
  const byRule = new Map<string, OutboxRow[]>();
  for (const row of rows)
    if (row.outcome === 'published') byRule.set(row.rule_id, [...(byRule.get(row.rule_id) ?? []), row]);
  for (const [ruleId, published] of byRule) {
    let open: string | undefined;
    for (const row of published) {
      if (row.kind === 'FIRING') {
        transitions += 1;
        if (open !== undefined && open !== row.dedup_key) {
          outOfOrder += 1;
          failures.push(
            `order: ${ruleId} published a FIRING of ${row.dedup_key} while ${open} was still open`,
          );
        }
        open = row.dedup_key;
      } else if (row.kind === 'RESOLVED') {
        transitions += 1;
        if (open !== row.dedup_key && open === undefined && uncertainFirings.has(row.dedup_key)) {
          resolvedAfterUncertainFiring += 1;
        } else if (open !== row.dedup_key) {
          outOfOrder += 1;
          failures.push(
            `order: ${ruleId} published a RESOLVED of ${row.dedup_key} without its FIRING before it`,
          );
        }
        open = undefined;
      } else if (open !== row.dedup_key) {
        staleSent += 1;
        failures.push(`stale: ${ruleId} published a REMINDER of ${row.dedup_key} outside its episode`);
      }
    }
  }

  // Arrival order in Slack, per rule, against the order of queuing: a figure, not a failure
  const positionOf = new Map(rows.map((row, index) => [keyOf(row), index]));
  let arrivedLate = 0;
  const newestSeen = new Map<string, number>();
  for (const post of posts) {
    const position = positionOf.get(messageKey(post.dedupKey, post.state, post.evaluated));
    if (position === undefined) continue;
    const newest = newestSeen.get(post.ruleId) ?? -1;
    if (position < newest) arrivedLate += 1;
    newestSeen.set(post.ruleId, Math.max(newest, position));
  }

  // Every episode on-call saw fire was seen to end, unless its rule still fires it
  const { rows: current } = await db.query<{
    rule_id: string;
    state: string;
    episode_started_at: Date | null;
  }>('SELECT rule_id, state, episode_started_at FROM alert_rule_state');
  const stillOpen = new Set(
    current
      .filter((row) => row.state === 'FIRING' && row.episode_started_at)
      .map((row) => `${row.rule_id}:${(row.episode_started_at as Date).toISOString()}`),
  );
  const resolvedInSlack = new Set(
    posts.filter((post) => post.state === 'RESOLVED').map((post) => post.dedupKey),
  );
  let leftOpen = 0;
  for (const dedupKey of new Set(
    posts.filter((post) => post.state === 'FIRING').map((post) => post.dedupKey),
  )) {
    if (resolvedInSlack.has(dedupKey) || stillOpen.has(dedupKey)) continue;
    leftOpen += 1;
    failures.push(`left open: ${dedupKey} fired in Slack and never resolved there, though its rule moved on`);
  }

  for (const { ruleId, expectError } of poisonRules) {
    const { rows: state } = await db.query<{ error: string | null }>(
      'SELECT error FROM alert_rule_state WHERE rule_id = $1',
      [ruleId],
    );
    if (expectError && !state[0]?.error) failures.push(`poison: rule ${ruleId} is not in ERROR`);
    if (rows.some((row) => row.rule_id === ruleId && expectError))
      failures.push(`poison: rule ${ruleId} sent a notification`);
  }

  return {
    queued,
    transitions,
    duplicates,
    losses,
    staleSent,
    unexplained,
    outOfOrder,
    resolvedAfterUncertainFiring,
    arrivedLate,
    leftOpen,
    pending,
    failures,
  };
}
