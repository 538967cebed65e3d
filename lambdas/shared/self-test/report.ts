import { type DependencyCheck, type DependencyResult, runDependencyChecks } from './dependency-checks';

/** Each dependency's own deadline: inside the shortest function timeout (the exporter's 5 s) with a cold start. */
export const SELF_TEST_CHECK_TIMEOUT_MS = 3_000;

/** What a function answers a self-test event with; `npm run verify` prints a line per check. */
export interface SelfTestReport {
  selfTest: {
    /** The `lambdas/` folder of the function. */
    function: string;
    release: string;
    checks: DependencyResult[];
    /** The evaluator's test alert: the SNS message id to look for in the notifier's log. */
    testAlert?: { id: string; messageId: string };
  };
}

export async function selfTestReport(
  functionDir: string,
  checks: DependencyCheck[],
  extra: Partial<Pick<SelfTestReport['selfTest'], 'testAlert'>> = {},
  timeoutMs = SELF_TEST_CHECK_TIMEOUT_MS,
): Promise<SelfTestReport> {
  return {
    selfTest: {
      function: functionDir,
      release: process.env.GIT_COMMIT_SHA ?? 'unversioned',
      checks: await runDependencyChecks(checks, timeoutMs),
      ...extra,
    },
  };
}
