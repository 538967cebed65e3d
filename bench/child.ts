import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './bundle';

/** The environment a deployed function gets from `ObservedFunction` in production (no Lambda variables). */
export const PRODUCTION_ENV: Record<string, string> = {
  POWERTOOLS_SERVICE_NAME: 'signupflow',
  POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/production',
  LOG_LEVEL: 'INFO',
  // What Lambda sets from the function's application log level: Powertools Logger follows it.
  AWS_LAMBDA_LOG_LEVEL: 'INFO',
  METRICS_FLUSH_INTERVAL_SECONDS: '60',
  STAGE: 'production',
  SENTRY_ENVIRONMENT: 'production',
  GIT_COMMIT_SHA: 'bench',
  TEST_ERROR_ROUTE: 'anonymous',
};

/** The parent's environment without anything that changes what the handlers do. */
export function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...PRODUCTION_ENV };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) env[key] = value;
  return env;
}

export interface ChildOutcome<T> {
  result: T;
  stdout: string;
  stderr: string;
}

/**
 * Runs a benchmark child in a fresh Node process (a fresh "Lambda environment"): `script` is a TypeScript
 * file under bench/, run through tsx; it writes its result as JSON to BENCH_RESULT_FILE.
 */
export async function runChild<T>(
  script: string,
  env: NodeJS.ProcessEnv,
  options: { captureOutput?: boolean } = {},
): Promise<ChildOutcome<T>> {
  const resultFile = path.join(os.tmpdir(), `signupflow-bench-${randomUUID()}.json`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', script)], {
    cwd: ROOT,
    env: { ...env, BENCH_RESULT_FILE: resultFile },
    stdio: ['ignore', options.captureOutput ? 'pipe' : 'ignore', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
    // Without capture, only the tail is kept for the error message: error paths log thousands of lines.
    if (!options.captureOutput && stderr.length > 64) stderr.splice(0, stderr.length - 64);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const errText = Buffer.concat(stderr).toString('utf8');
  try {
    if (code !== 0) throw new Error(`bench/${script} exited with ${code}: ${errText.slice(-2_000)}`);
    const result = JSON.parse(await readFile(resultFile, 'utf8')) as T;
    return { result, stdout: Buffer.concat(stdout).toString('utf8'), stderr: errText };
  } finally {
    await rm(resultFile, { force: true });
  }
}
