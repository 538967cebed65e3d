import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type pg from 'pg';
import type { StageConfig } from '../../lib/config';
import { alarmNamePrefix } from '../../lib/deployed-names';
import { alarmsCheck } from './alarms';
import { type Check, failed, skipped } from './check';
import { postgresTarget } from './data-stores';
import { afterStack, type DeployedStack, StackReader, stackCheck } from './deployed-stack';
import { VerifyError } from './describe-error';
import { healthEndpointCheck, liveEndpointCheck } from './http-endpoints';
import { influxDbCheck } from './influxdb';
import { logGroupsCheck } from './log-groups';
import type { Redactor } from './redactor';
import { rulesTableCheck } from './rules-table';
import { alertPathCheck, SelfTests, selfTestChecks } from './self-test-checks';
import { sentryEventCheck } from './sentry-event';
import { readSecretString } from './stage-secret';
import { stageWebhookCheck } from './stage-webhook';

export interface StageClients {
  cloudFormation: CloudFormationClient;
  cloudWatch: CloudWatchClient;
  logs: CloudWatchLogsClient;
  secrets: SecretsManagerClient;
  lambda: LambdaClient;
}

export interface StageOptions {
  config: StageConfig;
  stackName: string;
  region: string;
  clients: StageClients;
  /** `VERIFY_DATABASE_URL`: the stage's database as this machine reaches it (a tunnel), instead of its settings. */
  databaseUrl?: string;
  timeoutMs: number;
  redactor: Redactor;
}

const RUNBOOK = 'docs/MONITORING_RUNBOOK.md';

/**
 * The checks of `npm run verify -- --stage NAME`: the stack and its `ApiUrl` (`/health`, `/live`), the rules
 * table, a Sentry event to the stage's DSN, a test message to each of the stage's Slack webhooks (URLs from
 * Secrets Manager), InfluxDB when the stage has one, the alarms and the log groups' encryption; then each
 * function's self-test from inside its network, a line per dependency, and one test alert through the whole
 * alert path.
 */
export function stageChecks(options: StageOptions): Check[] {
  const { config, clients, redactor } = options;
  // Sentry may echo the DSN's key in its refusal (`unknown public key ...`).
  redactor.addSecretUrl(config.sentry.dsn);
  const stack = new StackReader(clients.cloudFormation, options.stackName, options.timeoutMs);
  const selfTests = new SelfTests(clients.lambda);
  const endpoints = (deployed: DeployedStack) => ({
    baseUrl: deployed.outputs.ApiUrl as string,
    notAnswering: `the API does not answer: check the stack's ApiUrl output and the API Gateway stage`,
    componentFixes: {
      database: `the health function cannot reach Postgres: ${RUNBOOK}#health-database`,
      redis: `the health function cannot reach Redis: ${RUNBOOK}#health-redis`,
    },
  });
  const noApiUrl = failed('the stack has no ApiUrl output', 'deploy the current stack (README, Deploy)');
  return [
    stackCheck(stack, options.region),
    afterStack(stack, '/health', 'check the ApiUrl output', (deployed) =>
      deployed.outputs.ApiUrl ? healthEndpointCheck(endpoints(deployed)) : noApiUrl,
    ),
    afterStack(stack, '/live', 'check the ApiUrl output', (deployed) =>
      deployed.outputs.ApiUrl ? liveEndpointCheck(endpoints(deployed)) : noApiUrl,
    ),
    afterStack(stack, 'Rules table', 'check the database settings of the stage', (deployed) =>
      stageRulesTable(options, deployed),
    ),
    sentryEventCheck({
      dsn: config.sentry.dsn,
      environment: config.sentry.environment,
      stage: config.stage,
      // Production's errors must reach someone; another stage may do without Sentry and keep whole stacks in its logs.
      notConfigured: (config.production ? failed : skipped)(
        `not configured: the ${config.stage} stage has no sentry.dsn, so its errors are only in its logs`,
        `set sentry.dsn of the stage in lib/stages.ts and deploy (${RUNBOOK}#sentry-dsn)`,
      ),
      whereTheDsnIsSet: `sentry.dsn of the ${config.stage} stage (lib/stages.ts)`,
    }),
    ...config.slack.webhooks.map((webhook) => stageWebhookCheck(config, webhook, clients.secrets, redactor)),
    influxDbCheck({
      url: config.influxdb?.url,
      token: async (signal) =>
        config.influxdb
          ? readSecretString(clients.secrets, config.influxdb.tokenSecretArn, redactor, signal)
          : undefined,
      notConfigured: skipped(
        `not configured: the ${config.stage} stage has no influxdb`,
        'add influxdb (url, org, bucket, tokenSecretArn) to the stage in lib/stages.ts for Grafana',
      ),
      whereTheUrlIsSet: `influxdb.url of the ${config.stage} stage`,
      whereTheTokenIsSet: `the secret influxdb.tokenSecretArn of the ${config.stage} stage`,
    }),
    afterStack(stack, 'Alarms', 'verify needs cloudwatch:DescribeAlarms', (deployed) =>
      alarmsCheck(clients.cloudWatch, deployed, alarmNamePrefix(config)),
    ),
    afterStack(stack, 'Log groups', 'verify needs logs:DescribeLogGroups', (deployed) =>
      logGroupsCheck(clients.logs, deployed),
    ),
    ...selfTestChecks({ config, stack, selfTests }),
    alertPathCheck({ stack, selfTests, logs: clients.logs }),
  ];
}

/** The stage's database as the functions reach it (its settings, the password from its secret), or VERIFY_DATABASE_URL. */
function stageRulesTable(options: StageOptions, deployed: DeployedStack): Check {
  const { config, clients, redactor } = options;
  const { database } = config;
  const passwordSecretArn =
    (database.source === 'existing' && database.passwordSecretArn) ||
    deployed.outputs.DatabasePasswordSecretArn;
  // The sandbox's database is the stack's own: its endpoint is an output.
  const host =
    database.source === 'existing'
      ? database.host
      : (deployed.outputs.DatabaseHost ?? '(no DatabaseHost output)');
  const port = database.source === 'existing' ? database.port : Number(deployed.outputs.DatabasePort ?? 5432);
  redactor.addPasswordOf(options.databaseUrl);
  const connection = async (): Promise<pg.ClientConfig> => {
    if (options.databaseUrl) return { connectionString: options.databaseUrl };
    if (!passwordSecretArn) throw new VerifyError('the stack has no DatabasePasswordSecretArn output');
    const secret = await readSecretString(
      clients.secrets,
      passwordSecretArn,
      redactor,
      AbortSignal.timeout(options.timeoutMs),
    );
    const password = passwordFrom(secret);
    if (password === undefined)
      throw new VerifyError('the database secret holds no JSON with a "password" key');
    redactor.add(password);
    return {
      host,
      port,
      database: database.name,
      user: database.user,
      password,
      ssl: { rejectUnauthorized: true },
    };
  };
  return rulesTableCheck({
    connection,
    target: options.databaseUrl ? postgresTarget(options.databaseUrl) : `${host}:${port}/${database.name}`,
    unreachableFix: options.databaseUrl
      ? 'check VERIFY_DATABASE_URL and the tunnel it goes through'
      : `the database is reachable only from the stage's network: open a tunnel to it and set VERIFY_DATABASE_URL (postgres://${database.user}@127.0.0.1:PORT/${database.name}) and PGPASSWORD (the password of the stage's database secret)`,
    timeoutMs: Math.max(100, options.timeoutMs - 500),
  });
}

function passwordFrom(secret: string | undefined): string | undefined {
  try {
    const { password } = JSON.parse(secret ?? '') as { password?: unknown };
    return typeof password === 'string' ? password : undefined;
  } catch {
    return undefined; // the parser's message would quote the secret
  }
}
