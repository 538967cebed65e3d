import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportStateStore } from '../../../lambdas/alert-evaluator/export/export-state-store';
import { RedisSnapshotWriter } from '../../../lambdas/alert-evaluator/export/snapshot-writer';
import { renderSnapshot } from '../../../lambdas/metrics-exporter/render-snapshot';
import { type MetricsSnapshot, snapshotKey } from '../../../lambdas/shared/metrics-snapshot';
import { promtoolCheckMetrics } from '../../support/promtool';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const ROUTE = { endpoint: '/api/events', method: 'GET', status_code: '200' };
/** Requests of a route: the SampleCount of its durations, which the export reads as http_requests_total. */
const requestCount = (statusCode: string) =>
  `SampleCount:${seriesKey(DEPLOYMENT.namespace, 'http_request_duration_seconds', {
    service: 'signupflow',
    ...ROUTE,
    status_code: statusCode,
  })}`;
const REQUESTS = requestCount('200');
const ERRORS = requestCount('500');
const DURATION = (stat: string) =>
  `${stat}:${seriesKey(DEPLOYMENT.namespace, 'http_request_duration_seconds', { service: 'signupflow', ...ROUTE })}`;

describe('the metrics export of each evaluator run', () => {
  const harness = new EvaluatorHarness();
  const stage = `export-${randomUUID().slice(0, 8)}`;
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });

  const snapshot = async (): Promise<MetricsSnapshot> =>
    JSON.parse((await redis.get(snapshotKey('signupflow', stage))) ?? 'null');
  const requestsTotal = async (status = '200') =>
    (await snapshot()).families
      .find((family) => family.name === 'http_requests_total')
      ?.samples.find((sample) => sample.labels.status_code === status)?.value;

  beforeAll(async () => {
    await harness.start();
    await redis.connect();
    harness.metricsExport = {
      store: new ExportStateStore(harness.sql),
      snapshots: new RedisSnapshotWriter(() => ({ host: '127.0.0.1', port: 6379, tls: false }), 2_000),
      serviceName: 'signupflow',
      stage,
      everyMinutes: 1,
    };
  });
  afterAll(async () => {
    await redis.del(snapshotKey('signupflow', stage));
    redis.disconnect();
    await harness.stop();
  });
  beforeEach(async () => {
    harness.cloudwatch.clear();
    await harness.sqlExec('DELETE FROM metrics_export_state');
    harness.now = new Date('2026-11-30T10:00:05Z');
  });

  /**
   * Runs a minute apart with the export set to every `everyMinutes`, the minute before each with the given
   * 200s: how many minutes each run exported (undefined: none).
   */
  async function runsMinuteApart(
    everyMinutes: number,
    okPerMinute: number[],
  ): Promise<(number | undefined)[]> {
    const settings = harness.metricsExport as NonNullable<typeof harness.metricsExport>;
    settings.everyMinutes = everyMinutes;
    const exported: (number | undefined)[] = [];
    try {
      for (const ok of okPerMinute) {
        traffic(1, ok, 0);
        exported.push((await harness.run()).export?.snapshotMinutes);
        harness.advanceMinutes(1);
      }
    } finally {
      settings.everyMinutes = 1;
    }
    return exported;
  }

  /** Requests of the minute `minutesBack` before the current one: 200s and 500s (none: no datapoint). */
  function traffic(minutesBack: number, ok: number, failed: number): void {
    harness.put(REQUESTS, minutesBack, ok);
    if (failed > 0) harness.put(ERRORS, minutesBack, failed);
  }

  it('adds each closed minute once, so http_requests_total is a counter rate() works on', async () => {
    // Prepare and Act: four runs a minute apart
    const totals: (number | undefined)[] = [];
    for (const [ok, failed] of [
      [100, 1],
      [120, 0],
      [80, 4],
      [90, 2],
    ] as const) {
      traffic(1, ok, failed);
      await harness.run();
      totals.push(await requestsTotal());
      harness.advanceMinutes(1);
    }
    // Assess
    expect(totals).toEqual([100, 220, 300, 390]);
    expect(await requestsTotal('500')).toBe(7);
    const current = await snapshot();
    expect(current.exportedThrough).toBe('2026-11-30T10:03:00.000Z');
    expect(current.families.find((family) => family.name === 'http_requests_total')?.type).toBe('counter');
  });

  it('counts every minute of a gap once after missed runs', async () => {
    // Prepare: one run, then three minutes without a run
    traffic(1, 10, 0);
    await harness.run();
    harness.advanceMinutes(4);
    for (const minutesBack of [1, 2, 3, 4]) traffic(minutesBack, 10 * (minutesBack + 1), 0);
    // Act
    await harness.run();
    // Assess: the first minute (10) and the four after it (50 + 40 + 30 + 20)
    expect(await requestsTotal()).toBe(150);
  });

  it('counts a minute once when two runs overlap', async () => {
    // Prepare
    traffic(1, 100, 0);
    await harness.run();
    harness.advanceMinutes(1);
    traffic(1, 50, 0);
    harness.cloudwatch.holdUntil(2);
    // Act
    await Promise.all([harness.run(), harness.run()]).finally(() => harness.cloudwatch.releaseHold());
    // Assess
    expect(await requestsTotal()).toBe(150);
  });

  it('holds the watermark while a query fails, and catches up once it answers', async () => {
    // Prepare
    traffic(1, 100, 0);
    await harness.run();
    harness.advanceMinutes(1);
    traffic(1, 40, 0);
    harness.cloudwatch.statusCode = 'PartialData';
    // Act
    await harness.run();
    const during = await requestsTotal();
    harness.cloudwatch.statusCode = 'Complete';
    harness.advanceMinutes(1);
    traffic(1, 60, 0);
    await harness.run();
    // Assess
    expect(during).toBe(100);
    expect(await requestsTotal()).toBe(200);
  });

  it('renders latency as a summary: quantiles of the newest minute, sum and count (the requests) since the start', async () => {
    // Prepare: CloudWatch's statistics of the duration series, in seconds, and the requests they count
    traffic(2, 100, 0);
    traffic(1, 120, 0);
    for (const [stat, values] of Object.entries({
      p50: [0.02, 0.03],
      p90: [0.05, 0.06],
      p99: [0.1, 0.2],
      Sum: [2, 3],
    })) {
      harness.put(DURATION(stat), 2, values[0] as number);
      harness.put(DURATION(stat), 1, values[1] as number);
    }
    await harness.sqlExec(
      `INSERT INTO metrics_export_state (target, exported_through) VALUES ('snapshot', '2026-11-30T09:58:00Z')`,
    );
    // Act
    await harness.run();
    // Assess
    const latency = (await snapshot()).families.find(
      (family) => family.name === 'http_request_duration_seconds',
    );
    expect(latency?.type).toBe('summary');
    expect(latency?.samples).toEqual([
      { labels: { ...ROUTE, quantile: '0.5' }, value: 0.03 },
      { labels: { ...ROUTE, quantile: '0.9' }, value: 0.06 },
      { labels: { ...ROUTE, quantile: '0.99' }, value: 0.2 },
      { labels: ROUTE, value: 5, suffix: '_sum' },
      { labels: ROUTE, value: 220, suffix: '_count' },
    ]);
  });

  it('never lets a slow run that read an older watermark move the counters back', async () => {
    // Prepare: a run reads the state, then a newer run advances it
    traffic(1, 100, 0);
    await harness.run();
    const store = new ExportStateStore(harness.sql);
    const stale = await store.read();
    harness.advanceMinutes(1);
    traffic(1, 50, 0);
    await harness.run();
    // Act: the slow run writes what it computed from its old read
    const advanced = await store.advance('snapshot', stale.targets.snapshot, {
      exportedThrough: new Date('2026-11-30T10:00:00Z'),
      totals: { 'http_requests_total{}': 1 },
      lastError: null,
    });
    // Assess
    expect(advanced).toBe(false);
    expect((await store.read()).targets.snapshot.exportedThrough).toEqual(new Date('2026-11-30T10:01:00Z'));
    expect(await requestsTotal()).toBe(150);
  });

  it('exports every second minute when asked to, counting both minutes then, at half the GetMetricData bill', async () => {
    // Act
    const exported = await runsMinuteApart(2, [10, 20, 30, 40, 50]);
    // Assess: the first run starts the export; then every other run adds the two minutes since
    expect(exported).toEqual([1, undefined, 2, undefined, 2]);
    expect(await requestsTotal()).toBe(150);
  });

  it('exports every fifth minute, the default, each minute at its own resolution, and says so in the snapshot', async () => {
    // Act: eleven runs a minute apart, each minute with 10 requests more than the one before
    const exported = await runsMinuteApart(
      5,
      Array.from({ length: 11 }, (_, index) => 10 * (index + 1)),
    );
    // Assess: the first run starts the export; then every fifth run adds the five minutes since
    expect(exported).toEqual([1, ...Array(4).fill(undefined), 5, ...Array(4).fill(undefined), 5]);
    expect(await requestsTotal()).toBe(10 * ((11 * 12) / 2));
    expect((await snapshot()).refreshSeconds).toBe(300);
  });

  it('writes a snapshot that /metrics renders and promtool accepts, every family of the export set in it', async () => {
    // Prepare: a minute of every kind of series the export reads
    traffic(1, 100, 3);
    for (const stat of ['p50', 'p90', 'p99', 'Sum']) harness.put(DURATION(stat), 1, 0.05);
    harness.put(
      seriesKey(DEPLOYMENT.namespace, 'slack_notifications_total', {
        service: 'signupflow',
        outcome: 'delivered',
        kind: 'alert',
      }),
      1,
      2,
    );
    harness.put(
      seriesKey(DEPLOYMENT.namespace, 'health_check_healthy', {
        service: 'signupflow',
        component: 'database',
      }),
      1,
      1,
    );
    harness.put(seriesKey('AWS/Lambda', 'Errors', { FunctionName: 'signupflow-test-api' }), 1, 3);
    harness.put(
      seriesKey('AWS/SQS', 'ApproximateNumberOfMessagesVisible', {
        QueueName: DEPLOYMENT.deadLetterQueueName as string,
      }),
      1,
      0,
    );
    // Act
    await harness.run();
    const text = await renderSnapshot(await snapshot());
    const verdict = await promtoolCheckMetrics(text);
    // Assess
    expect(verdict).toEqual({ exitCode: 0, output: '' });
    const families = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => `${name} ${type}`);
    expect(families).toEqual(
      expect.arrayContaining([
        'http_requests_total counter',
        'http_request_duration_seconds summary',
        'slack_notifications_total counter',
        'health_check_healthy gauge',
        'aws_lambda_errors gauge',
        'aws_sqs_approximate_number_of_messages_visible_maximum gauge',
        'background_jobs_duration_seconds gauge',
        'background_jobs_pending gauge',
      ]),
    );
    expect(text).toContain('http_requests_total{endpoint="/api/events",method="GET",status_code="500"} 3');
  });

  it('counts as pending only the notifications still to publish, not those published, refused, dropped or expired', async () => {
    // Prepare: one of each outcome, and two pending
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, outcome, settled_at, published_at) VALUES
         ('a', 'FIRING', 'a:1', '{}', NULL, NULL, NULL),
         ('b', 'FIRING', 'b:1', '{}', NULL, NULL, NULL),
         ('c', 'FIRING', 'c:1', '{}', 'published', now(), now()),
         ('d', 'FIRING', 'd:1', '{}', 'failed', now(), NULL),
         ('e', 'REMINDER', 'e:1', '{}', 'superseded', now(), NULL),
         ('f', 'FIRING', 'f:1', '{}', 'expired', now(), NULL)`,
    );
    // Act
    const state = await new ExportStateStore(harness.sql).read();
    await harness.sqlExec('DELETE FROM alert_notifications');
    // Assess
    expect(state.pendingNotifications).toBe(2);
  });
});
