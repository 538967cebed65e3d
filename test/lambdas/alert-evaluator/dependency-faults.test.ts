import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ScheduledRunSummary } from '../../../lambdas/alert-evaluator/scheduled-run';
import { type FreezingProxy, startFreezingProxy } from '../../support/freezing-proxy';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { type InfluxStandIn, startInfluxServer } from '../../support/influxdb-server';
import { lambdaContext, scheduledEvent } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { closedByClient } from '../../support/socket-waits';
import {
  cloudWatchWireStandIn,
  evaluatorEnvironment,
  snsWireStandIn,
  type WireStandIn,
} from './aws-wire-stand-ins';
import { TOPIC_ARN } from './evaluator-harness';

type Handler = typeof import('../../../lambdas/alert-evaluator/handler')['handler'];

/** The Lambda timeout the tests give the evaluator: a run of 9 s once the handler's 3 s are kept back. */
const FUNCTION_TIMEOUT_MS = 12_000;

/** A context whose remaining time runs down like Lambda's. */
function invocation(): Context {
  const deadline = Date.now() + FUNCTION_TIMEOUT_MS;
  return {
    ...lambdaContext('signupflow-test-alert-evaluator'),
    getRemainingTimeInMillis: () => deadline - Date.now(),
  };
}

/** One scheduled invocation: how it ended and how long it took. */
async function invoke(handler: Handler, event = scheduledEvent()) {
  const startedAt = performance.now();
  const outcome = await handler(event, invocation()).then(
    // A scheduled event is answered with the run's summary (a self-test event, with a report)
    (summary) => ({ summary: summary as ScheduledRunSummary, error: undefined }),
    (error: Error) => ({ summary: undefined, error }),
  );
  return { ...outcome, elapsedMs: performance.now() - startedAt };
}

/**
 * The evaluator's handler, with its production clients, while one dependency refuses connections, accepts
 * them and never answers, or answers late: every run ends before the function's timeout, and what it could
 * not do waits for a later run.
 */
describe('the alert evaluator when a dependency fails', () => {
  let database: TestDatabase;
  let cloudwatch: WireStandIn;
  let sns: WireStandIn;
  let output: CapturedOutput;
  let pool: pg.Pool;
  const stage = `hung-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    // 40% of requests failed in every minute asked for: the quick start's rule fires
    cloudwatch = await cloudWatchWireStandIn((_query, endTime) => {
      const minutes = [1, 2, 3, 4, 5].map((back) => endTime - back * 60);
      return { Timestamps: minutes, Values: minutes.map(() => 40) };
    });
    sns = await snsWireStandIn();
  });
  afterAll(async () => {
    await pool.end();
    await cloudwatch.close();
    await sns.close();
    await database.drop();
  });
  beforeEach(async () => {
    await pool.query('DELETE FROM alert_notifications');
    await pool.query('DELETE FROM alert_rule_state');
    await pool.query('DELETE FROM metrics_export_state');
    sns.requests.length = 0;
    output = captureOutput();
  });
  afterEach(() => {
    output.restore();
    vi.unstubAllEnvs();
  });

  /** The handler as a fresh Lambda environment with these endpoints would load it. */
  async function loadHandler(env: Record<string, string>): Promise<Handler> {
    vi.resetModules();
    const environment = evaluatorEnvironment({
      databaseUrl: database.url,
      cloudwatchUrl: cloudwatch.url,
      snsUrl: sns.url,
      topicArn: TOPIC_ARN,
      stage,
    });
    for (const [name, value] of Object.entries({ ...environment, ...env })) vi.stubEnv(name, value);
    return (await import('../../../lambdas/alert-evaluator/handler')).handler;
  }

  /** A publish that got no answer is tried again a minute later: the database's clock moves for the test. */
  const aMinuteLater = () =>
    pool.query('UPDATE alert_notifications SET retry_after = now() WHERE retry_after IS NOT NULL');

  const published = () =>
    sns.requests.map((request) => JSON.parse(String(request.Message)) as { ruleId: string; state: string });

  describe('SNS', () => {
    it('keeps the notification pending when nothing listens, and publishes it once SNS is back', async () => {
      // Prepare
      const refused = await loadHandler({ AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${await closedPort()}` });
      // Act
      const during = await invoke(refused);
      const after = await invoke(await loadHandler({}));
      // Assess
      expect(during.summary).toMatchObject({ firing: 1, published: 0, publishFailed: 1 });
      expect(after.summary).toMatchObject({ published: 1 });
      expect(published().map((message) => message.state)).toEqual(['FIRING']);
    });

    it('retries a publish SNS answered after its request timeout: the topic may get it more than once, never not at all', async () => {
      // Prepare: SNS takes each publish but answers 3.5 s later, past the 3 s each attempt has
      const handler = await loadHandler({});
      sns.delayMs = 3_500;
      try {
        // Act
        const during = await invoke(handler);
        sns.delayMs = 0;
        const backingOff = await invoke(handler);
        await aMinuteLater();
        const after = await invoke(handler);
        // Assess: both attempts of the first run reached SNS; the next run left the message alone (it may have
        // been taken), and the one after a minute published it
        expect(during.summary).toMatchObject({ published: 0, publishFailed: 1 });
        expect(during.elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
        expect(backingOff.summary).toMatchObject({ published: 0, publishFailed: 0 });
        expect(after.summary).toMatchObject({ published: 1 });
        expect(published().map((message) => message.state)).toEqual(['FIRING', 'FIRING', 'FIRING']);
        const { rows } = await pool.query('SELECT outcome, attempts FROM alert_notifications');
        expect(rows).toEqual([{ outcome: 'published', attempts: 2 }]);
      } finally {
        sns.delayMs = 0;
      }
    });
  });

  describe('SNS that hangs', () => {
    let hung: HungServer;
    beforeEach(async () => {
      hung = await startHungServer();
    });
    afterEach(() => hung.close());

    it('ends the run in time with the notification pending, and publishes it once SNS is back', async () => {
      // Prepare
      const handler = await loadHandler({ AWS_ENDPOINT_URL_SNS: `http://127.0.0.1:${hung.port}` });
      // Act
      const during = await invoke(handler);
      hung.recover(Number(new URL(sns.url).port));
      await aMinuteLater();
      const after = await invoke(handler);
      const later = await invoke(handler);
      // Assess
      expect(during.summary).toMatchObject({ firing: 1, published: 0, publishFailed: 1 });
      expect(during.elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
      expect(after.summary).toMatchObject({ firing: 1, published: 1 });
      expect(later.summary).toMatchObject({ published: 0, publishFailed: 0 });
      expect(published()).toEqual([
        expect.objectContaining({ ruleId: 'alert_rule_high_error_rate', state: 'FIRING' }),
      ]);
      const { rows } = await pool.query('SELECT outcome, attempts FROM alert_notifications');
      expect(rows).toEqual([{ outcome: 'published', attempts: 2 }]);
    });
  });

  describe('CloudWatch', () => {
    it('puts the rules in ERROR, reported, when nothing listens, and the run ends at once', async () => {
      // Prepare
      const handler = await loadHandler({
        AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${await closedPort()}`,
      });
      // Act
      const { summary, elapsedMs } = await invoke(handler);
      // Assess
      expect(summary).toMatchObject({ inError: 1, firing: 0, published: 0 });
      expect(elapsedMs).toBeLessThan(3_000);
      const { rows } = await pool.query('SELECT state, error FROM alert_rule_state');
      expect(rows).toEqual([
        { state: 'OK', error: expect.stringMatching(/^GetMetricData failed: .*ECONNREFUSED/) },
      ]);
    });

    it('evaluates as usual with answers late but within the time for reading', async () => {
      // Prepare
      const handler = await loadHandler({});
      cloudwatch.delayMs = 1_000;
      try {
        // Act
        const { summary } = await invoke(handler);
        // Assess
        expect(summary).toMatchObject({ firing: 1, inError: 0, published: 1, readTimedOut: false });
      } finally {
        cloudwatch.delayMs = 0;
      }
    });
  });

  describe('CloudWatch that hangs', () => {
    let proxy: FreezingProxy;
    beforeEach(async () => {
      proxy = await startFreezingProxy(Number(new URL(cloudwatch.url).port));
    });
    afterEach(() => proxy.close());

    it('ends the run in time, sends neither FIRING nor RESOLVED, and a firing rule stays firing', async () => {
      // Prepare: the rule fires and is announced; then CloudWatch stops answering
      const handler = await loadHandler({ AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${proxy.port}` });
      await invoke(handler);
      proxy.stall();
      // Act
      const during = await invoke(handler);
      // Assess
      expect(during.elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
      expect(during.summary).toMatchObject({ firing: 1, inError: 1, readTimedOut: true, published: 0 });
      expect(published().map((message) => message.state)).toEqual(['FIRING']);
      const { rows } = await pool.query('SELECT state, error FROM alert_rule_state');
      expect(rows).toEqual([
        {
          state: 'FIRING',
          error: expect.stringMatching(
            /^GetMetricData did not answer in time: the run's deadline \(60% of \d+ ms\) passed$/,
          ),
        },
      ]);
    });
  });

  describe('Postgres', () => {
    it('fails the run at once when nothing listens, saying so', async () => {
      // Prepare
      const url = new URL(database.url);
      url.port = String(await closedPort());
      const handler = await loadHandler({ DATABASE_URL: url.toString() });
      // Act
      const { error, elapsedMs } = await invoke(handler);
      // Assess
      expect(error?.message).toMatch(/ECONNREFUSED/);
      expect(elapsedMs).toBeLessThan(1_000);
    });
  });

  describe('Postgres that hangs', () => {
    let hung: HungServer;
    beforeEach(async () => {
      hung = await startHungServer();
    });
    afterEach(() => hung.close());

    it('fails the run within its connection timeout, saying so, so that the not-running alarm can tell', async () => {
      // Prepare
      const url = new URL(database.url);
      url.port = String(hung.port);
      const handler = await loadHandler({ DATABASE_URL: url.toString() });
      // Act
      const { error, elapsedMs } = await invoke(handler);
      // Assess: pg's connectionTimeoutMillis is 2 s
      expect(error?.message).toMatch(/timeout/i);
      expect(elapsedMs).toBeLessThan(3_000);
      await closedByClient(hung);
    });
  });

  describe('Redis that hangs', () => {
    let hung: HungServer;
    beforeEach(async () => {
      hung = await startHungServer();
    });
    afterEach(() => hung.close());

    it('costs the /metrics snapshot, reported, and never the rules', async () => {
      // Prepare
      const handler = await loadHandler({ REDIS_URL: `redis://127.0.0.1:${hung.port}` });
      // Act
      const { summary, elapsedMs } = await invoke(handler);
      // Assess: the snapshot's write gives up after its 3 s
      expect(summary).toMatchObject({ firing: 1, published: 1, export: { snapshotWritten: false } });
      expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
      expect(output.records()).toContainEqual(
        expect.objectContaining({
          message: 'The /metrics snapshot was not written to Redis',
          reason: 'Redis did not answer within 3000 ms',
        }),
      );
      await closedByClient(hung);
    });
  });

  describe('the EventBridge schedule', () => {
    it('evaluates the periods closed when the run starts, however late the event arrives', async () => {
      // Prepare: an event EventBridge stamped an hour ago (a retry, or a backlog after a throttle)
      const handler = await loadHandler({});
      const late = { ...scheduledEvent(), time: new Date(Date.now() - 3_600_000).toISOString() };
      // Act
      const startedAt = Date.now();
      const { summary } = await invoke(handler, late);
      // Assess: the FIRING is of now, not of the event's hour
      expect(summary).toMatchObject({ firing: 1, published: 1 });
      const [message] = sns.requests.map(
        (request) => JSON.parse(String(request.Message)) as { evaluatedAt: string },
      );
      expect(Date.parse(message?.evaluatedAt ?? '')).toBeGreaterThanOrEqual(startedAt - 1_000);
    });
  });

  describe('InfluxDB', () => {
    let influx: InfluxStandIn;
    beforeAll(async () => {
      influx = await startInfluxServer({ org: 'signupflow', bucket: 'monitoring', readToken: randomUUID() });
      await pool.query(
        `INSERT INTO alert_rules (id, name, source, metric_name, flux_query, condition, threshold, severity,
                                  evaluation_periods, datapoints_to_alarm)
         VALUES ('no_signups', 'No sign-ups', 'influxdb', 'signups_per_minute',
                 'from(bucket: "app") |> range(start: -5m) |> aggregateWindow(every: 1m, fn: sum)', '<', 1, 'warning', 1, 1)`,
      );
    });
    afterAll(async () => {
      await pool.query(`DELETE FROM alert_rules WHERE id = 'no_signups'`);
      await influx.close();
    });
    beforeEach(() => {
      influx.requests.length = 0;
      influx.resume();
    });

    const influxEnv = () => ({
      REDIS_URL: 'redis://127.0.0.1:6379',
      INFLUXDB_URL: influx.url,
      INFLUXDB_ORG: 'signupflow',
      INFLUXDB_BUCKET: 'monitoring',
      INFLUXDB_TOKEN: influx.token,
      INFLUXDB_READ_TOKEN: influx.readToken as string,
    });

    it('queries with the read-only token and writes with the export token, never the other way round', async () => {
      // Prepare
      const handler = await loadHandler(influxEnv());
      // Act
      const { summary } = await invoke(handler);
      // Assess
      expect(summary).toMatchObject({ rulesEvaluated: 2, inError: 0, export: { influxWritten: true } });
      const tokenOf = (path: string) =>
        new Set(
          influx.requests
            .filter((request) => request.path === path)
            .map((request) => request.headers.authorization),
        );
      expect(tokenOf('/api/v2/query')).toEqual(new Set([`Token ${influx.readToken}`]));
      expect(tokenOf('/api/v2/write')).toEqual(new Set([`Token ${influx.token}`]));
    });

    it('puts only the Flux rule in ERROR when InfluxDB hangs, within its 3 s, and the run ends in time', async () => {
      // Prepare
      influx.hang();
      const handler = await loadHandler(influxEnv());
      // Act
      const { summary, elapsedMs } = await invoke(handler);
      // Assess
      expect(summary).toMatchObject({ rulesEvaluated: 2, inError: 1, firing: 1, published: 1 });
      expect(elapsedMs).toBeLessThan(FUNCTION_TIMEOUT_MS);
      // The 3 s of the query left the run less than the export's worst case: it waits for the next run
      expect(summary?.export).toBeUndefined();
      expect(output.records()).toContainEqual(
        expect.objectContaining({
          message: 'Metrics export skipped: the run had no time left; the next run exports the minutes',
        }),
      );
      const { rows } = await pool.query(`SELECT error FROM alert_rule_state WHERE rule_id = 'no_signups'`);
      expect(rows).toEqual([{ error: 'InfluxDB query failed: no complete answer within 3000 ms' }]);
    });
  });
});
