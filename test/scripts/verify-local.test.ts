import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { SENTRY_TEST_MESSAGE } from '../../scripts/verify/sentry-event';
import { SLACK_TEST_MESSAGE } from '../../scripts/verify/slack-webhook';
import { closedPort, startHungServer } from '../support/hung-server';
import { type InfluxStandIn, startInfluxServer } from '../support/influxdb-server';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { type SentryStandIn, startSentryStandIn } from '../support/sentry-server';
import { type SlackServer, startSlackServer } from '../support/slack-server';
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
    expect(checklistLine(run.stdout, 'Rules table').line).toMatch(/1 rules, all valid \(1 enabled\)/);
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
});
