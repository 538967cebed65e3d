/** One line of the checklist: what `npm run verify` checks, and how it went. */
export type CheckStatus = 'ok' | 'failed' | 'skipped';

export interface CheckResult {
  status: CheckStatus;
  /** What was found, in a few words. Never a secret: hosts, status codes and error categories only. */
  detail: string;
  /** What to do about a failure (or what a skip would need). */
  fix?: string;
}

export interface Check {
  name: string;
  /** What to do when the check throws or does not answer in time; a result may carry a sharper fix. */
  fix: string;
  /**
   * What the check waits for before its own timer starts: a shared read it needs, which must settle by itself
   * (under its own deadline).
   */
  after?: () => Promise<unknown>;
  /** `signal` aborts when the check's time is up: pass it on to fetch and the AWS SDK. */
  run(signal: AbortSignal): Promise<CheckResult>;
}

export const ok = (detail: string): CheckResult => ({ status: 'ok', detail });
export const failed = (detail: string, fix: string): CheckResult => ({ status: 'failed', detail, fix });
export const skipped = (detail: string, fix?: string): CheckResult => ({ status: 'skipped', detail, fix });
