import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { parseVerifyArgs, verify } from '../../scripts/verify';
import { SENTRY_TEST_MESSAGE } from '../../scripts/verify/sentry-event';
import { SLACK_TEST_MESSAGE } from '../../scripts/verify/slack-webhook';
import { closedPort, startHungServer } from '../support/hung-server';
import { type InfluxStandIn, startInfluxServer } from '../support/influxdb-server';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../support/postgres';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { type SentryStandIn, startSentryStandIn } from '../support/sentry-server';
import { type SlackReply, type SlackServer, startSlackServer } from '../support/slack-server';
import { checklistLine, runVerifyCli } from '../support/verify-cli';

/**
 * `npm run verify -- --local` as a child process against the real local server, a Postgres database and a
 * private redis-server of this file, and Slack, Sentry and InfluxDB stand-ins on 127.0.0.1: all good, then one
 * integration broken at a time.
 */
describe('npm run verify -- --local', () => {
  let database: TestDatabase;
  let redis: PrivateRedis;
  let slack: SlackServer;
  let sentry: SentryStandIn;
  let influx: InfluxStandIn;
  let server: LocalServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    redis = await startPrivateRedis();
    slack = await startSlackServer();
    sentry = await startSentryStandIn();
    influx = await startInfluxServer();
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('REDIS_URL', redis.url);
    vi.stubEnv('ALERT_EVALUATION_INTERVAL', '0');
    vi.stubEnv('HEALTH_CACHE_SECONDS', '0'); // each run sees Redis as it is now, not as it was 5 s ago
    server = await startLocalServer({ port: 0, log: () => undefined, migrate: false });
  });

  afterAll(async () => {
    await server?.close();
    vi.unstubAllEnvs();
    await Promise.all([slack?.close(), sentry?.close(), influx?.close(), redis?.stop()]);
    await database?.drop();
  });

  /** The environment `npm start` runs with here, every integration configured. */
  const environment = (overrides: Record<string, string> = {}) => ({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    SLACK_WEBHOOK_URL: slack.url,
    SENTRY_DSN: sentry.dsn,
    INFLUXDB_URL: influx.url,
    INFLUXDB_TOKEN: influx.token,
    ...overrides,
  });

  it('checks every integration, exits 0 when all answer, and prints none of their secrets', async () => {
    // Prepare
    const postsBefore = slack.posts.length;

    // Act
    const run = await runVerifyCli(['--local', '--url', server.url], environment());

    // Assess
    expect(run.exitCode).toBe(0);
    for (const name of [
      '/health',
      '/live',
      'Postgres',
      'Redis',
      'Rules table',
      'Sentry',
      'Slack',
      'InfluxDB',
    ]) {
      expect(checklistLine(run.stdout, name).line).toMatch(/^\[ok\] /);
    }
    expect(run.stdout).toContain('8 ok, 0 failed, 0 skipped');
    expect(checklistLine(run.stdout, '/health').line).toMatch(/healthy: database \d+ ms, redis \d+ ms/);
    expect(checklistLine(run.stdout, 'Rules table').line).toMatch(/: 1 rule, valid \(1 enabled\)$/);
    const posts = slack.posts.slice(postsBefore);
    expect(posts).toHaveLength(1);
    expect(String(posts[0]?.json().text)).toContain(SLACK_TEST_MESSAGE);
    const events = sentry.events().filter((event) => event.message === SENTRY_TEST_MESSAGE);
    expect(events).toHaveLength(1);
    expect(checklistLine(run.stdout, 'Sentry').line).toContain(
      `test event ${String(events[0]?.event_id)} accepted`,
    );
    expect(influx.requests.some((request) => request.path === '/health')).toBe(true);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain(new URL(slack.url).host);
    expect(printed).not.toContain(slack.secretPath);
    expect(printed).not.toContain(slack.secretPath.split('/').at(-1));
    expect(printed).not.toContain(new URL(sentry.dsn).username);
    expect(printed).not.toContain(influx.token);
  });

  it('names Slack and exits 1 when the webhook answers 404 no_service, without printing its path', async () => {
    // Prepare
    const gone = await startSlackServer([{ status: 404, body: 'no_service' }]);

    // Act
    const run = await runVerifyCli(
      ['--local', '--url', server.url],
      environment({ SLACK_WEBHOOK_URL: gone.url }),
    );
    await gone.close();

    // Assess
    expect(run.exitCode).toBe(1);
    const { line, fix } = checklistLine(run.stdout, 'Slack');
    expect(line).toMatch(/^\[FAIL\] Slack\s+HTTP 404 from 127\.0\.0\.1:\d+ \(no_service\)$/);
    expect(fix).toMatch(/^fix: the webhook no longer exists .*SLACK_WEBHOOK_URL$/);
    expect(run.stdout).toContain('7 ok, 1 failed, 0 skipped');
    expect(gone.posts).toHaveLength(1);
    expect(run.stdout + run.stderr).not.toContain(gone.secretPath.split('/').at(-1));
  });

  it.each([
    [
      404,
      (path: string) => `no_service for ${path.split('/').slice(-2).join('/')}`,
      'no_service for [REDACTED]/[REDACTED]',
    ],
    [403, (path: string) => `invalid_token ${path.split('/').at(-1)}`, 'invalid_token [REDACTED]'],
  ])(
    "prints a %i whose error echoes the webhook's path without any piece of it",
    async (status, echo, shown) => {
      // Prepare: the stand-in's path is known once it runs; its script is read at each post.
      const script: SlackReply[] = [];
      const echoing = await startSlackServer(script);
      script.push({ status, body: echo(echoing.secretPath) });

      // Act
      const run = await runVerifyCli(
        ['--local', '--url', server.url],
        environment({ SLACK_WEBHOOK_URL: echoing.url }),
      );
      await echoing.close();

      // Assess
      const { line } = checklistLine(run.stdout, 'Slack');
      expect(line).toMatch(new RegExp(`^\\[FAIL\\] Slack\\s+HTTP ${status} from 127\\.0\\.0\\.1:\\d+ \\(`));
      expect(line).toContain(`(${shown})`);
      const printed = run.stdout + run.stderr;
      for (const segment of echoing.secretPath.split('/').filter((part) => /[A-Z0-9]/.test(part))) {
        expect(printed).not.toContain(segment.slice(0, 4));
        expect(printed).not.toContain(segment.slice(-4));
      }
    },
  );

  it('fails a Slack webhook that accepts the connection and never answers, at the timeout, and still ends', async () => {
    // Prepare
    const hung = await startHungServer();
    const url = `http://127.0.0.1:${hung.port}/services/T0SIGNUP/B0ALERTS/hungsecretpath0123`;

    // Act
    const run = await runVerifyCli(
      ['--local', '--url', server.url, '--timeout', '2'],
      environment({ SLACK_WEBHOOK_URL: url }),
    );
    await hung.close();

    // Assess
    expect(run.exitCode).toBe(1);
    expect(hung.connections).toBeGreaterThanOrEqual(1);
    const { line, fix } = checklistLine(run.stdout, 'Slack');
    expect(line).toMatch(/^\[FAIL\] Slack\s+no answer within 2 s$/);
    expect(fix).toMatch(/^fix: check this machine's network or proxy/);
    expect(run.stdout).toContain('7 ok, 1 failed, 0 skipped');
    // Without the hard timer, fetch would wait minutes for headers; tsx's start-up here takes a few seconds.
    expect(run.elapsedMs).toBeLessThan(15_000);
    expect(run.stdout).not.toContain('hungsecretpath0123');
  });

  it('names Redis, and /health its redis component, and exits 1 when Redis is stopped', async () => {
    // Prepare
    await redis.stop();

    // Act
    let run: Awaited<ReturnType<typeof runVerifyCli>>;
    try {
      run = await runVerifyCli(['--local', '--url', server.url], environment());
    } finally {
      await redis.start();
    }

    // Assess
    expect(run.exitCode).toBe(1);
    const direct = checklistLine(run.stdout, 'Redis');
    expect(direct.line).toBe(`[FAIL] Redis        127.0.0.1:${redis.port}: connection refused`);
    expect(direct.fix).toMatch(/^fix: start Redis \(bash scripts\/ensure-services\.sh/);
    const health = checklistLine(run.stdout, '/health');
    expect(health.line).toMatch(
      /^\[FAIL\] \/health\s+HTTP 503 unhealthy: database \d+ ms, redis connection refused$/,
    );
    expect(health.fix).toBe('fix: Redis: see the Redis line');
    expect(checklistLine(run.stdout, 'Postgres').line).toMatch(/^\[ok\] /);
    expect(run.stdout).toContain('6 ok, 2 failed, 0 skipped');
  });

  it('says to run npm start, and exits 1, when no local server answers', async () => {
    // Prepare
    const nowhere = `http://127.0.0.1:${await closedPort()}`;

    // Act
    const run = await runVerifyCli(['--local', '--url', nowhere], environment());

    // Assess
    expect(run.exitCode).toBe(1);
    for (const name of ['/health', '/live']) {
      const { line, fix } = checklistLine(run.stdout, name);
      expect(line).toMatch(/nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)$/);
      expect(fix).toBe('fix: start the local server in another terminal: npm start');
    }
    expect(checklistLine(run.stdout, 'Redis').line).toMatch(/^\[ok\] /);
  });

  /** The same command in this process: for the cases where the exit code's realism adds nothing. */
  const verifyInProcess = (env: Record<string, string>) =>
    verify(parseVerifyArgs(['--local', '--url', server.url, '--timeout', '3']), { env });

  it('marks an integration that is not configured as skipped, which is no failure', async () => {
    // Prepare
    const env = { DATABASE_URL: database.url, REDIS_URL: redis.url };

    // Act
    const { output, exitCode } = await verifyInProcess(env);

    // Assess
    expect(exitCode).toBe(0);
    expect(checklistLine(output, 'Sentry')).toEqual({
      line: '[skip] Sentry       skipped: not configured (SENTRY_DSN is not set): errors are only logged',
      fix: "to enable: set SENTRY_DSN to your Sentry project's DSN",
    });
    expect(checklistLine(output, 'Slack').line).toMatch(
      /^\[skip\] Slack\s+skipped: not configured \(SLACK_WEBHOOK_URL/,
    );
    expect(checklistLine(output, 'InfluxDB').line).toMatch(
      /^\[skip\] InfluxDB\s+skipped: not configured \(INFLUXDB_URL/,
    );
    expect(output).toContain('5 ok, 0 failed, 3 skipped');
  });

  it('names each invalid rule and its column, as the evaluator would refuse it', async () => {
    // Prepare: a row the table's own checks let through, and the rule validation refuses
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();

    // Act
    let result: Awaited<ReturnType<typeof verifyInProcess>>;
    try {
      await client.query(
        `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, repeat_interval_seconds)
         VALUES ('too_quiet', 'Too quiet', 'request_rate', '<', 1, 'warning', 99999999)`,
      );
      result = await verifyInProcess(environment());
    } finally {
      await client.query(`DELETE FROM alert_rules WHERE id = 'too_quiet'`);
      await client.end();
    }

    // Assess
    expect(result.exitCode).toBe(1);
    const { line, fix } = checklistLine(result.output, 'Rules table');
    expect(line).toMatch(
      /^\[FAIL\] Rules table\s+1 of 2 rules invalid \(the evaluator puts them in ERROR\): too_quiet \(repeat_interval_seconds: must be at most 2592000\)$/,
    );
    expect(fix).toMatch(/npm run rules -- delete ID/);
  });

  it('says to run the migrations when the database has no alert_rules table', async () => {
    // Prepare: a database nobody migrated
    const name = `signupflow_test_bare_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const bare = new URL(TEST_POSTGRES_URL);
    bare.pathname = `/${name}`;

    // Act
    let result: Awaited<ReturnType<typeof verifyInProcess>>;
    try {
      result = await verifyInProcess(environment({ DATABASE_URL: bare.toString() }));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }

    // Assess
    expect(result.exitCode).toBe(1);
    expect(checklistLine(result.output, 'Rules table')).toEqual({
      line: `[FAIL] Rules table  127.0.0.1:5432/${name} has no alert_rules table`,
      fix: 'fix: apply the migrations to that database: npm run migrate (with its DATABASE_URL)',
    });
  });

  it('fails Sentry when its host refuses the connection, and InfluxDB when there is no token to write with', async () => {
    // Prepare
    const port = await closedPort();
    const env = environment({ SENTRY_DSN: `http://publickey0123@127.0.0.1:${port}/7`, INFLUXDB_TOKEN: '' });

    // Act
    const { output, exitCode } = await verifyInProcess(env);

    // Assess
    expect(exitCode).toBe(1);
    expect(checklistLine(output, 'Sentry').line).toBe(
      `[FAIL] Sentry       127.0.0.1:${port}, project 7: connection refused`,
    );
    expect(checklistLine(output, 'InfluxDB')).toEqual({
      line: `[FAIL] InfluxDB     ${new URL(influx.url).host} answers, but there is no token to write with`,
      fix: 'fix: put an InfluxDB API token with write access to the bucket in INFLUXDB_TOKEN',
    });
    expect(output).not.toContain('publickey0123');
  });
});
