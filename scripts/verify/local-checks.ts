import { LOCAL_DEFAULTS } from '../local-server/environment';
import { type Check, skipped } from './check';
import { postgresCheck, postgresTarget, redisCheck } from './data-stores';
import { healthEndpointCheck, liveEndpointCheck } from './http-endpoints';
import { influxDbCheck } from './influxdb';
import type { Redactor } from './redactor';
import { rulesTableCheck } from './rules-table';
import { sentryEventCheck } from './sentry-event';
import { slackWebhookCheck } from './slack-webhook';

type Env = Record<string, string | undefined>;

export interface LocalOptions {
  /** The environment `npm start` would run with; LOCAL_DEFAULTS fill what it leaves out, as `npm start` does. */
  env: Env;
  /** The local server; `http://127.0.0.1:$PORT` (3000) when not given. */
  url?: string;
  timeoutMs: number;
  redactor: Redactor;
}

/** The base URL `npm start` listens on with this environment. */
export function localServerUrl(env: Env): string {
  return `http://127.0.0.1:${env.PORT || 3000}`;
}

/**
 * The checks of `npm run verify -- --local`: the running local server's `/health` and `/live`, Postgres and
 * Redis directly, the rules table, and each integration the environment configures, read as `npm start`
 * reads them.
 */
export function localChecks(options: LocalOptions): Check[] {
  const env: Env = { ...LOCAL_DEFAULTS, ...options.env };
  const { redactor } = options;
  redactor.addSecretUrl(env.SLACK_WEBHOOK_URL);
  redactor.addSecretUrl(env.SENTRY_DSN);
  redactor.add(env.INFLUXDB_TOKEN);
  redactor.add(env.METRICS_TOKEN);
  redactor.addPasswordOf(env.DATABASE_URL);
  redactor.addPasswordOf(env.REDIS_URL);
  const baseUrl = options.url ?? localServerUrl(env);
  const endpoints = {
    baseUrl,
    notAnswering: `start the local server in another terminal: npm start${options.url ? '' : ' (or pass --url where it runs)'}`,
    componentFixes: {
      database: 'Postgres: see the Postgres line',
      redis: 'Redis: see the Redis line',
    },
  };
  // The probes give up a little before the check's own timer, so that they name the host that timed out.
  const probeTimeoutMs = Math.max(100, options.timeoutMs - 500);
  const databaseUrl = env.DATABASE_URL as string;
  return [
    healthEndpointCheck(endpoints),
    liveEndpointCheck(endpoints),
    postgresCheck(env, probeTimeoutMs),
    redisCheck(env, probeTimeoutMs),
    rulesTableCheck({
      connection: async () => ({ connectionString: databaseUrl }),
      target: postgresTarget(databaseUrl),
      unreachableFix: 'Postgres: see the Postgres line',
      timeoutMs: probeTimeoutMs,
    }),
    sentryEventCheck({
      dsn: env.SENTRY_DSN,
      environment: env.SENTRY_ENVIRONMENT ?? 'local',
      release: env.GIT_COMMIT_SHA,
      stage: 'local',
      notConfigured: skipped(
        'not configured (SENTRY_DSN is not set): errors are only logged',
        "set SENTRY_DSN to your Sentry project's DSN",
      ),
      whereTheDsnIsSet: 'SENTRY_DSN',
    }),
    slackWebhookCheck({
      name: 'Slack',
      webhook: async () =>
        env.SLACK_WEBHOOK_URL
          ? { url: env.SLACK_WEBHOOK_URL }
          : {
              result: skipped(
                'not configured (SLACK_WEBHOOK_URL is not set): alerts are printed on the console',
                'set SLACK_WEBHOOK_URL to a Slack incoming-webhook URL',
              ),
            },
      whereTheUrlIsSet: 'SLACK_WEBHOOK_URL',
      stage: 'local',
    }),
    influxDbCheck({
      url: env.INFLUXDB_URL,
      token: async () => env.INFLUXDB_TOKEN,
      notConfigured: skipped(
        'not configured (INFLUXDB_URL is not set): metrics are not mirrored to InfluxDB',
        'for Grafana, set INFLUXDB_URL, INFLUXDB_TOKEN, INFLUXDB_ORG and INFLUXDB_BUCKET',
      ),
      whereTheUrlIsSet: 'INFLUXDB_URL',
      whereTheTokenIsSet: 'INFLUXDB_TOKEN',
    }),
  ];
}
