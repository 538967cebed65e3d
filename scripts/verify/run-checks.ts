import type { Check, CheckLine, CheckResult } from './check';
import { describeError, VerifyError } from './describe-error';

export interface CheckOutcome extends CheckResult {
  name: string;
}

/** A check, or a read checks share, that did not answer in its time. */
export class CheckTimeoutError extends VerifyError {
  override name = 'CheckTimeoutError';
}

/**
 * Runs every check concurrently, each under its own hard timer, started once what the check waits for has
 * settled: a check that has not settled when its time is up is reported as failed, and its signal is aborted so that its requests and sockets are given up. Never
 * rejects; the outcomes come back in the checks' order.
 */
export async function runChecks(checks: readonly Check[], timeoutMs: number): Promise<CheckOutcome[]> {
  return (await Promise.all(checks.map((check) => runCheck(check, check.timeoutMs ?? timeoutMs)))).flat();
}

async function runCheck(check: Check, timeoutMs: number): Promise<CheckOutcome[]> {
  await check.after?.().catch(() => undefined);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new CheckTimeoutError(`no answer within ${formatSeconds(timeoutMs)}`);
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  let result: CheckResult | CheckLine[];
  try {
    const running = check.run(controller.signal);
    running.catch(() => undefined); // a check that loses the race may still reject later
    result = await Promise.race([running, deadline]);
  } catch (error) {
    result = {
      status: 'failed',
      detail: describeError(error),
      fix: check.fix,
    };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return Array.isArray(result) ? result : [{ name: check.name, ...result }];
}

export function formatSeconds(ms: number): string {
  return `${Number((ms / 1_000).toFixed(1))} s`;
}
