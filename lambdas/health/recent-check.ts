import type { HealthReport } from './health-check';

export interface RecentReport {
  report: HealthReport;
  /** Milliseconds since the check began. */
  ageMs: number;
}

/**
 * The latest check of this environment, reused by HTTP callers for `maxAgeMs`: `/health` and `/ready` are
 * anonymous, and a burst of them must not turn into a burst of queries. Concurrent callers that find no recent
 * report share the one check in flight. A failed check is reused too: a hung dependency is not asked again
 * by every caller. The scheduled probe always runs a `fresh()` check, which the callers after it reuse.
 */
export class RecentCheck {
  readonly #run: () => Promise<HealthReport>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #latest: { report: HealthReport; startedAt: number } | undefined;
  #inFlight: Promise<{ report: HealthReport; startedAt: number }> | undefined;

  constructor(run: () => Promise<HealthReport>, maxAgeMs: number, now: () => number = Date.now) {
    this.#run = run;
    this.#maxAgeMs = maxAgeMs;
    this.#now = now;
  }

  /** A new check, whatever the age of the latest. */
  async fresh(): Promise<HealthReport> {
    return (await this.#check()).report;
  }

  /** The latest report when it is younger than `maxAgeMs`, else a new check's. */
  async recent(): Promise<RecentReport> {
    const latest = this.#latest;
    const now = this.#now();
    if (latest && now - latest.startedAt < this.#maxAgeMs) {
      return { report: latest.report, ageMs: now - latest.startedAt };
    }
    const checked = await (this.#inFlight ?? this.#check());
    return { report: checked.report, ageMs: this.#now() - checked.startedAt };
  }

  #check(): Promise<{ report: HealthReport; startedAt: number }> {
    const startedAt = this.#now();
    const inFlight = this.#run().then((report) => {
      if (!this.#latest || this.#latest.startedAt <= startedAt) this.#latest = { report, startedAt };
      return { report, startedAt };
    });
    this.#inFlight = inFlight;
    const forget = () => {
      if (this.#inFlight === inFlight) this.#inFlight = undefined;
    };
    inFlight.then(forget, forget);
    return inFlight;
  }
}
