/**
 * `npm run verify -- --local` or `npm run verify -- --stage NAME`: checks each integration of the monitoring
 * and prints a checklist with the fix for each failure. Exits 1 on any failure, 2 on bad usage.
 */
import { lookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { scrubText } from '../lambdas/shared/scrubber';
import { ConfigError, loadStageConfig, type StageConfig } from '../lib/config';
import { stackIdFor } from '../lib/deployed-names';
import type { Check } from './verify/check';
import { exitCodeOf, formatChecklist } from './verify/checklist';
import { localChecks, localServerUrl } from './verify/local-checks';
import { type PreflightClients, preflightChecks } from './verify/preflight-checks';
import { Redactor } from './verify/redactor';
import { runChecks } from './verify/run-checks';
import { type StageClients, stageChecks } from './verify/stage-checks';

export const USAGE = `Usage: npm run verify -- --local [--url http://127.0.0.1:3000] [--timeout 5]
       npm run verify -- --stage NAME [--timeout 5]
       npm run verify -- --stage NAME --preflight [--timeout 5]
  --local      the setup npm start uses (its environment: DATABASE_URL, REDIS_URL, SLACK_WEBHOOK_URL, SENTRY_DSN,
               INFLUXDB_URL...), and the local server at --url (default http://127.0.0.1:$PORT, PORT 3000)
  --stage      the deployed stack SignUpFlowMonitoring-NAME, with the AWS credentials and region of this shell:
               its integrations, then each function's self-test from inside its network and one test alert
               through the whole alert path (docs/verify.md)
  --preflight  with --stage, before a deploy: the bootstrap, the stage's network, security groups, data store
               names, secrets and the account's concurrency for what the stage reserves (docs/deploy.md)
  --timeout    seconds each check may take (default 5; the self-tests and the alert path take longer)`;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface VerifyRequest {
  mode: { local: true; url?: string } | { stage: string; preflight?: boolean };
  timeoutMs: number;
}

export function parseVerifyArgs(argv: string[]): VerifyRequest {
  let values: {
    local?: boolean;
    stage?: string;
    url?: string;
    timeout?: string;
    preflight?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        local: { type: 'boolean' },
        stage: { type: 'string' },
        url: { type: 'string' },
        timeout: { type: 'string' },
        preflight: { type: 'boolean' },
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
  if (values.preflight && !values.stage) {
    throw new UsageError(`--preflight checks a stage before its deploy: give --stage NAME.\n${USAGE}`);
  }
  if (values.url !== undefined) {
    if (!values.local)
      throw new UsageError(`--url is for --local; a stage's URL is its stack's ApiUrl output.\n${USAGE}`);
    if (!/^https?:\/\/[^/]/.test(values.url) || !URL.canParse(values.url)) {
      throw new UsageError(`--url: expected an http(s) URL such as http://127.0.0.1:3000`);
    }
  }
  return {
    mode: values.local
      ? { local: true, url: values.url }
      : { stage: values.stage as string, ...(values.preflight && { preflight: true }) },
    timeoutMs: seconds * 1_000,
  };
}

type Env = Record<string, string | undefined>;

export interface VerifyDependencies {
  env?: Env;
  /** The stage's configuration; `lib/stages.ts` through `loadStageConfig` by default. */
  stageConfig?: (name: string) => StageConfig;
  /** The AWS clients of a stage run; made with the SDK's default credentials and region by default. */
  stageClients?: () => StageClients & PreflightClients;
  /** The endpoint services the stage's stack would create; read from the stack built in this process by default. */
  endpointServices?: (config: StageConfig) => Promise<string[]>;
  /** How a host name resolves; the system resolver by default. */
  resolve?: (host: string) => Promise<string[]>;
}

/** Runs the checks and returns the checklist to print (secrets redacted) and the exit code. */
export async function verify(
  request: VerifyRequest,
  dependencies: VerifyDependencies = {},
): Promise<{ output: string; exitCode: number }> {
  const env = dependencies.env ?? process.env;
  const redactor = new Redactor();
  let title: string;
  let checks: Check[];
  if ('local' in request.mode) {
    const url = request.mode.url ?? localServerUrl(env);
    title = `SignUpFlow monitoring: verify --local (local server ${new URL(url).host})`;
    checks = localChecks({ env, url, timeoutMs: request.timeoutMs, redactor });
  } else {
    const config = (dependencies.stageConfig ?? loadStageConfig)(request.mode.stage);
    const clients = dependencies.stageClients ? dependencies.stageClients() : defaultStageClients(config);
    const stackName = stackIdFor(config);
    const region = await regionOf(clients);
    const preflight = request.mode.preflight === true;
    title = `SignUpFlow monitoring: verify --stage ${config.stage}${preflight ? ' --preflight' : ''} (${stackName} in ${region})`;
    checks = preflight
      ? preflightChecks({
          config,
          stackName,
          region,
          clients,
          bootstrapQualifier: bootstrapQualifier(),
          endpointServices: () => (dependencies.endpointServices ?? stackEndpointServices)(config),
          resolve: dependencies.resolve ?? resolveHost,
        })
      : stageChecks({
          config,
          stackName,
          region,
          clients,
          databaseUrl: env.VERIFY_DATABASE_URL,
          timeoutMs: request.timeoutMs,
          redactor,
        });
  }
  const outcomes = await runChecks(checks, request.timeoutMs);
  return { output: redactor.apply(formatChecklist(title, outcomes)), exitCode: exitCodeOf(outcomes) };
}

function defaultStageClients(stage: StageConfig): StageClients & PreflightClients {
  // Each check has its own hard timer; the SDK's retries stay within it. A stage bound to a region is read
  // there, whatever this shell's default region.
  const config = { maxAttempts: 2, ...(stage.region && { region: stage.region }) };
  return {
    cloudFormation: new CloudFormationClient(config),
    cloudWatch: new CloudWatchClient(config),
    logs: new CloudWatchLogsClient(config),
    secrets: new SecretsManagerClient(config),
    // A self-test runs a cold function in a VPC: one attempt, and the check's own deadline.
    lambda: new LambdaClient({ ...config, maxAttempts: 1 }),
    ec2: new EC2Client(config),
    ssm: new SSMClient(config),
  };
}

/** cdk.json's bootstrap qualifier, or CDK's default. */
function bootstrapQualifier(): string {
  const cdkJson = JSON.parse(readFileSync(path.resolve(__dirname, '..', 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  const qualifier = cdkJson.context?.['@aws-cdk/core:bootstrapQualifier'];
  return typeof qualifier === 'string' ? qualifier : 'hnb659fds';
}

/** The stage's stack built in this process (no bundling, no synth): the endpoints its grants make it create. */
export async function stackEndpointServices(config: StageConfig): Promise<string[]> {
  const [{ App }, { SignUpFlowMonitoringStack }] = await Promise.all([
    import('aws-cdk-lib'),
    import('../lib/signupflow-monitoring-stack'),
  ]);
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new SignUpFlowMonitoringStack(app, stackIdFor(config), { config });
  return [...stack.network.endpoints.keys()].sort();
}

async function resolveHost(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((entry) => entry.address);
}

async function regionOf(clients: StageClients): Promise<string> {
  try {
    return await clients.cloudFormation.config.region();
  } catch {
    return 'no region (set AWS_REGION or AWS_PROFILE)';
  }
}

async function main(): Promise<void> {
  try {
    const { output, exitCode } = await verify(parseVerifyArgs(process.argv.slice(2)));
    console.log(output);
    // Exit now: a check given up at its timeout may still hold a socket open.
    process.exit(exitCode);
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(error instanceof UsageError && error.message === USAGE ? 0 : 2);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((error: Error) => {
    console.error(`verify failed: ${error.name}: ${scrubText(error.message)}`);
    process.exit(1);
  });
}
