/**
 * `npm run verify -- --local` or `npm run verify -- --stage NAME`: checks each integration of the monitoring
 * and prints a checklist with the fix for each failure. Exits 1 on any failure, 2 on bad usage.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { exitCodeOf, formatChecklist } from './verify/checklist';
import { localChecks, localServerUrl } from './verify/local-checks';
import { Redactor } from './verify/redactor';
import { runChecks } from './verify/run-checks';

export const USAGE = `Usage: npm run verify -- --local [--url http://127.0.0.1:3000] [--timeout 5]
       npm run verify -- --stage NAME [--timeout 5]
  --local     the setup npm start uses (its environment: DATABASE_URL, REDIS_URL, SLACK_WEBHOOK_URL, SENTRY_DSN,
              INFLUXDB_URL...), and the local server at --url (default http://127.0.0.1:$PORT, PORT 3000)
  --stage     the deployed stack SignUpFlowMonitoring-NAME, with the AWS credentials and region of this shell
  --timeout   seconds each check may take (default 5)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface VerifyRequest {
  mode: { local: true; url?: string } | { stage: string };
  timeoutMs: number;
}

export function parseVerifyArgs(argv: string[]): VerifyRequest {
  let values: { local?: boolean; stage?: string; url?: string; timeout?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        local: { type: 'boolean' },
        stage: { type: 'string' },
        url: { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help) throw new UsageError(USAGE);
  if (Boolean(values.local) === (values.stage !== undefined)) {
    throw new UsageError(`Give either --local or --stage NAME.\n${USAGE}`);
  }
  const seconds = values.timeout === undefined ? 5 : Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 60) {
    throw new UsageError(`--timeout: got '${values.timeout}', expected seconds between 0 and 60`);
  }
  if (values.url !== undefined) {
    if (!values.local)
      throw new UsageError(`--url is for --local; a stage's URL is its stack's ApiUrl output.\n${USAGE}`);
    if (!/^https?:\/\/[^/]/.test(values.url) || !URL.canParse(values.url)) {
      throw new UsageError(`--url: expected an http(s) URL such as http://127.0.0.1:3000`);
    }
  }
  return {
    mode: values.local ? { local: true, url: values.url } : { stage: values.stage as string },
    timeoutMs: seconds * 1_000,
  };
}

/** Runs the checks and returns the checklist to print (secrets redacted) and the exit code. */
export async function verify(
  request: VerifyRequest,
  env: Record<string, string | undefined> = process.env,
): Promise<{ output: string; exitCode: number }> {
  const redactor = new Redactor();
  if (!('local' in request.mode)) throw new UsageError('--stage is not available yet');
  const url = request.mode.url ?? localServerUrl(env);
  const checks = localChecks({ env, url, timeoutMs: request.timeoutMs, redactor });
  const outcomes = await runChecks(checks, request.timeoutMs);
  const title = `SignUpFlow monitoring: verify --local (local server ${new URL(url).host})`;
  return { output: redactor.apply(formatChecklist(title, outcomes)), exitCode: exitCodeOf(outcomes) };
}

async function main(): Promise<void> {
  let request: VerifyRequest;
  try {
    request = parseVerifyArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  const { output, exitCode } = await verify(request);
  console.log(output);
  // Exit now: a check given up at its timeout may still hold a socket open.
  process.exit(exitCode);
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((error: Error) => {
    console.error(`verify failed: ${error.name}: ${error.message}`);
    process.exit(1);
  });
}
