import { setMaxListeners } from 'node:events';

/**
 * The time one evaluation run has, and how it is shared out (docs/fault-matrix.md, "Deadlines"): reading
 * metrics (CloudWatch and InfluxDB) must be done by 60% of the budget, new publishes start until 90%, and what
 * is left writes the outcome and the export. A dependency that hangs costs the run its freshness, never its
 * state: the rules it could not read are written in ERROR, the notifications it could not publish stay pending.
 * Measured on the monotonic clock, whatever clock the evaluation itself runs on.
 */
export class RunDeadline {
  /** Metrics not read by this share of the budget put their rules in ERROR for this run. */
  static readonly READ_SHARE = 0.6;
  /** No publish starts after this share of the budget; one in flight is aborted then. */
  static readonly PUBLISH_SHARE = 0.9;

  readonly budgetMs: number;
  readonly #startedAt: number;
  readonly #clock: () => number;

  constructor(budgetMs: number, clock: () => number = () => performance.now()) {
    this.budgetMs = Math.max(0, budgetMs);
    this.#clock = clock;
    this.#startedAt = clock();
  }

  /** Milliseconds until `share` of the budget has passed (0 when it has). */
  msUntil(share = 1): number {
    return Math.max(0, this.#startedAt + this.budgetMs * share - this.#clock());
  }

  /** Whether `share` of the budget has passed. */
  passed(share = 1): boolean {
    return this.msUntil(share) === 0;
  }

  /** A signal that aborts when `share` of the budget has passed, with a reason that says so. */
  signal(share = 1): AbortSignal {
    const ms = this.msUntil(share);
    const reason = new RunDeadlineError(
      `the run's deadline (${Math.round(share * 100)}% of ${Math.round(this.budgetMs)} ms) passed`,
    );
    if (ms === 0) return AbortSignal.abort(reason);
    const controller = new AbortController();
    // Every call of a phase listens to its one signal (hundreds of publishes): not a leak.
    setMaxListeners(1_000, controller.signal);
    setTimeout(() => controller.abort(reason), ms).unref();
    return controller.signal;
  }
}

export class RunDeadlineError extends Error {
  override name = 'RunDeadlineError';
}
