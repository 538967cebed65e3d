/** One line of the checklist: what `npm run verify` checks, and how it went. */
export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  status: CheckStatus;
  /** What was found, in a few words. Never a secret: hosts, status codes and error categories only. */
  detail: string;
  /** What to do about a failure (or what a skip would need). */
  fix?: string;
}

/** A line of a check that reports several (a function's self-test: one line per dependency). */
export interface CheckLine extends CheckResult {
  name: string;
}

export interface Check {
  name: string;
  /** Its own time, when it needs more than the others (`--timeout`): waiting for a message to arrive. */
  timeoutMs?: number;
  /** What to do when the check throws or does not answer in time; a result may carry a sharper fix. */
  fix: string;
  /**
   * What the check waits for before its own timer starts: a shared read it needs, which must settle by itself
   * (under its own deadline).
   */
  after?: () => Promise<unknown>;
  /**
   * `signal` aborts when the check's time is up: pass it on to fetch and the AWS SDK. Lines instead of one
   * result print one line each, under their own names.
   */
  run(signal: AbortSignal): Promise<CheckResult | CheckLine[]>;
}

export const ok = (detail: string): CheckResult => ({ status: 'ok', detail });
export const failed = (detail: string, fix: string): CheckResult => ({ status: 'failed', detail, fix });
export const skipped = (detail: string, fix?: string): CheckResult => ({ status: 'skipped', detail, fix });
