import type { AlertPublisher } from './alert-publisher';
import type { OutboxStore, QueuedNotification, Settlement } from './outbox-store';
import { RunDeadline } from './run-deadline';

/** Pending notifications a run claims and tries at most (docs/alert-rules.md, "Delivery"). */
export const PUBLISH_LIMIT_PER_RUN = 500;
/** Rules whose notifications are published at the same time; each rule's go one after the other. */
const CONCURRENT_RULES = 8;
/**
 * Publishes refused for now in a row, whatever the rule, after which the run stops trying: SNS is down, and
 * every further attempt would cost its timeout (and, when it got no answer, maybe a duplicate).
 */
export const FAILURES_BEFORE_GIVING_UP = 3;

export interface PublishingSummary {
  /** Accepted by SNS. */
  published: number;
  /** Refused for now: pending, retried by the next run. */
  publishFailed: number;
  /** Refused for good (`InvalidParameter`, authorization, not an alert message): recorded, never retried. */
  refused: number;
  /** Pending for longer than PENDING_MAX_AGE_HOURS: given up, recorded. */
  expired: number;
  /** Claimed but not tried this run: an older message of the same rule failed, or the time was up. */
  unsent: number;
}

type Report = (message: string, details: Record<string, unknown>) => void;

/**
 * Publishes what is pending: this run's notifications and every earlier one still owed, up to
 * PUBLISH_LIMIT_PER_RUN. Each rule's go in the order they were queued, and a rule stops at its first message
 * refused for now (the rest wait, so that its transitions arrive in order); a message refused for good is
 * recorded and the rule goes on. After FAILURES_BEFORE_GIVING_UP refusals in a row the run stops publishing, and
 * no publish starts after the run's publishing time (one in flight is aborted then): what is left stays pending.
 */
export async function publishPending(
  outbox: OutboxStore,
  publisher: AlertPublisher,
  deadline: RunDeadline,
  report: Report,
): Promise<PublishingSummary> {
  const { claimed, expired } = await outbox.claim(PUBLISH_LIMIT_PER_RUN);
  if (expired.length > 0) {
    report('Alert notifications expired unsent after 24 hours', {
      count: expired.length,
      rules: [...new Set(expired.map((notification) => notification.ruleId))].slice(0, 20),
    });
  }
  const signal = deadline.signal(RunDeadline.PUBLISH_SHARE);
  const settlements = await publishInOrder(claimed, publisher, signal);
  await outbox.settle(settlements);

  const failed = settlements.filter((settlement) => settlement.result === 'retry');
  const refused = settlements.filter((settlement) => settlement.result === 'failed');
  if (failed.length > 0) {
    report('Alert notifications not published; the next run retries them', {
      count: failed.length,
      first: failed[0]?.error,
    });
  }
  if (refused.length > 0) {
    report('SNS refused alert notifications for good; they are not retried', {
      count: refused.length,
      first: refused[0]?.error,
    });
  }
  return {
    published: settlements.filter((settlement) => settlement.result === 'published').length,
    publishFailed: failed.length,
    refused: refused.length,
    expired: expired.length,
    unsent: settlements.filter((settlement) => settlement.result === 'released').length,
  };
}

async function publishInOrder(
  claimed: QueuedNotification[],
  publisher: AlertPublisher,
  signal: AbortSignal,
): Promise<Settlement[]> {
  const byRule = new Map<string, QueuedNotification[]>();
  for (const notification of claimed) {
    const queue = byRule.get(notification.ruleId) ?? [];
    queue.push(notification);
    byRule.set(notification.ruleId, queue);
  }
  const queues = [...byRule.values()];
  const settlements: Settlement[] = [];
  const failures = { inARow: 0 };
  const worker = async () => {
    for (let queue = queues.shift(); queue; queue = queues.shift()) {
      settlements.push(...(await publishRule(queue, publisher, signal, failures)));
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_RULES, queues.length) }, worker));
  return settlements;
}

async function publishRule(
  queue: QueuedNotification[],
  publisher: AlertPublisher,
  signal: AbortSignal,
  failures: { inARow: number },
): Promise<Settlement[]> {
  const settlements: Settlement[] = [];
  let blocked = false;
  for (const notification of queue) {
    if (blocked || signal.aborted || failures.inARow >= FAILURES_BEFORE_GIVING_UP) {
      settlements.push({ id: notification.id, result: 'released' });
      continue;
    }
    const result = await publisher.publish(notification, signal);
    if (result.ok || result.permanent) failures.inARow = 0;
    else failures.inARow += 1;
    if (result.ok) {
      settlements.push({ id: notification.id, result: 'published' });
    } else if (result.permanent) {
      settlements.push({ id: notification.id, result: 'failed', error: result.error });
    } else {
      settlements.push({
        id: notification.id,
        result: 'retry',
        error: result.error,
        uncertain: result.uncertain === true,
      });
      blocked = true;
    }
  }
  return settlements;
}
