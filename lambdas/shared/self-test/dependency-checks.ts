import { scrubText } from '../scrubber';
import { classify, DeadlineError, type Failure } from './failure';

/** One dependency of a function, checked from inside its network: what it is, where, and how to ask it. */
export interface DependencyCheck {
  /** `Postgres`, `Redis`, `Secrets Manager`, `CloudWatch`, `SNS`, `SQS`, `InfluxDB`, `Sentry`, `Slack`. */
  dependency: string;
  /** Where it is asked: a host and port, never a credential. */
  target: string;
  /** Asks it once; resolves to what it answered in a few words, rejects with why not. Honours `signal`. */
  run(signal: AbortSignal): Promise<string>;
}

export interface DependencyResult {
  dependency: string;
  target: string;
  ok: boolean;
  ms: number;
  detail?: string;
  failure?: Failure;
}

/**
 * Runs the checks at once, each under its own deadline: a check that does not settle in `timeoutMs` fails as a
 * timeout (its signal aborted) and never holds up the others. Answers and errors are scrubbed of secrets.
 */
export function runDependencyChecks(
  checks: DependencyCheck[],
  timeoutMs: number,
): Promise<DependencyResult[]> {
  return Promise.all(checks.map((check) => runOne(check, timeoutMs)));
}

async function runOne(check: DependencyCheck, timeoutMs: number): Promise<DependencyResult> {
  const { dependency, target } = check;
  const controller = new AbortController();
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(`no answer within ${timeoutMs / 1_000} s`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const running = Promise.resolve().then(() => check.run(controller.signal));
  running.catch(() => undefined); // a check that loses the race may still reject later
  try {
    const detail = await Promise.race([running, deadline]);
    return { dependency, target, ok: true, ms: elapsed(startedAt), detail: scrubText(detail) };
  } catch (error) {
    return { dependency, target, ok: false, ms: elapsed(startedAt), failure: classify(error) };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(startedAt: number): number {
  return Math.round(performance.now() - startedAt);
}
