import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ExportStateStore } from '../../../lambdas/alert-evaluator/export/export-state-store';
import { InfluxPointWriter } from '../../../lambdas/alert-evaluator/export/influx-writer';
import { RedisSnapshotWriter } from '../../../lambdas/alert-evaluator/export/snapshot-writer';
import { InfluxFluxSource } from '../../../lambdas/alert-evaluator/flux-source';
import { type InfluxStandIn, startInfluxServer } from '../../support/influxdb-server';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const ROUTE = { endpoint: '/api/events', method: 'GET', status_code: '200' };
/** Requests of the route: the SampleCount of its durations, which the export reads as http_requests_total. */
const REQUESTS = `SampleCount:${seriesKey(DEPLOYMENT.namespace, 'http_request_duration_seconds', {
  service: 'signupflow',
  ...ROUTE,
})}`;
const TIMEOUT_MS = 500;

/** A Flux rule on sign-ups per minute below 1 in 2 of the last 2 minutes. */
const FLUX_RULE = `INSERT INTO alert_rules (id, name, source, metric_name, flux_query, condition, threshold, severity,
                                            evaluation_periods, datapoints_to_alarm)
  VALUES ('no_signups', 'No sign-ups', 'influxdb', 'signups_per_minute',
          'from(bucket: "app") |> range(start: -5m) |> filter(fn: (r) => r._measurement == "signups") |> aggregateWindow(every: 1m, fn: sum)',
          '<', 1, 'warning', 2, 2)`;

describe('InfluxDB: the export mirror and Flux rules', () => {
  const harness = new EvaluatorHarness();
  let influx: InfluxStandIn;

  beforeAll(async () => {
    await harness.start();
    influx = await startInfluxServer({ org: 'signupflow', bucket: 'monitoring' });
    const settings = { url: influx.url, token: influx.token, org: 'signupflow', timeoutMs: TIMEOUT_MS };
    harness.metricsExport = {
      store: new ExportStateStore(harness.sql),
      snapshots: new RedisSnapshotWriter(() => ({ host: '127.0.0.1', port: 6379, tls: false }), 2_000),
      influx: new InfluxPointWriter({ ...settings, bucket: 'monitoring' }),
      serviceName: 'signupflow',
      stage: `influx-${randomUUID().slice(0, 8)}`,
      everyMinutes: 1,
    };
    harness.flux = new InfluxFluxSource(settings);
  });
  afterAll(async () => {
    await influx.close();
    await harness.stop();
  });
  beforeEach(async () => {
    await harness.onlyRules();
    await harness.sqlExec('DELETE FROM metrics_export_state');
    harness.cloudwatch.clear();
    harness.reports.length = 0;
    harness.accepted.length = 0;
    influx.requests.length = 0;
    harness.now = new Date('2026-11-30T10:00:05Z');
  });

  it('writes one point per metric and minute, stamped with that minute, gzipped with the token', async () => {
    // Prepare
    harness.put(REQUESTS, 1, 120);
    // Act
    const summary = await harness.run();
    // Assess
    expect(summary.export).toMatchObject({ influxWritten: true, influxMinutes: 1 });
    const [write] = influx.writes();
    expect(write?.headers.authorization).toBe(`Token ${influx.token}`);
    expect(write?.query).toMatchObject({ org: 'signupflow', bucket: 'monitoring', precision: 's' });
    expect(write?.body.split('\n')).toContain(
      'http_requests,endpoint=/api/events,method=GET,status_code=200 count=120i 1796032740',
    );
    expect(influx.points('http_requests')).toEqual([
      expect.objectContaining({
        tags: ROUTE,
        fields: { count: 120 },
        time: new Date('2026-11-30T09:59:00Z'),
      }),
    ]);
  });

  it('gzips a larger write, and rewriting a minute replaces its point', async () => {
    // Prepare: 40 routes make a body above the gzip threshold
    for (let index = 0; index < 40; index++) {
      harness.put(
        `SampleCount:${seriesKey(DEPLOYMENT.namespace, 'http_request_duration_seconds', {
          service: 'signupflow',
          ...ROUTE,
          endpoint: `/api/r${index}`,
        })}`,
        1,
        index,
      );
    }
    await harness.run();
    await harness.sqlExec('DELETE FROM metrics_export_state');
    // Act: the same minute again
    await harness.run();
    // Assess
    expect(influx.writes().map((write) => write.gzipped)).toEqual([true, true]);
    expect(influx.points('http_requests').filter((point) => point.tags.endpoint === '/api/r7')).toHaveLength(
      1,
    );
  });

  it('still evaluates every rule while InfluxDB is down, reports it once, and writes the missed minutes when it is back', async () => {
    // Prepare
    await harness.onlyRules(
      `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, evaluation_periods, datapoints_to_alarm)
       VALUES ('busy', 'Busy', 'request_rate', '>', 1, 'info', 1, 1)`,
    );
    const apiCount = seriesKey('AWS/ApiGateway', 'Count', { ApiId: DEPLOYMENT.httpApiId as string });
    harness.put(REQUESTS, 1, 100);
    harness.put(apiCount, 1, 600);
    await harness.run();
    await influx.down();
    // Act: three minutes down
    for (let minute = 1; minute <= 3; minute++) {
      harness.advanceMinutes(1);
      harness.put(REQUESTS, 1, 100 + minute);
      harness.put(apiCount, 1, 600);
      const summary = await harness.run();
      expect(summary).toMatchObject({ rulesEvaluated: 1, firing: 1, export: { influxWritten: false } });
    }
    await influx.up();
    harness.advanceMinutes(1);
    harness.put(REQUESTS, 1, 104);
    await harness.run();
    // Assess
    expect(
      harness.reports.filter((report) => report.message.startsWith('InfluxDB write failed')),
    ).toHaveLength(1);
    expect(
      influx
        .points('http_requests')
        .filter((point) => point.tags.endpoint === '/api/events')
        .map((point) => [point.time.toISOString(), point.fields.count]),
    ).toEqual([
      ['2026-11-30T09:59:00.000Z', 100],
      ['2026-11-30T10:00:00.000Z', 101],
      ['2026-11-30T10:01:00.000Z', 102],
      ['2026-11-30T10:02:00.000Z', 103],
      ['2026-11-30T10:03:00.000Z', 104],
    ]);
  });

  it('reports a write InfluxDB answers 503 and writes its minutes later; a query answered 429 is its rule in ERROR', async () => {
    // Prepare: the next two requests (the Flux query, then the write) are refused
    await harness.onlyRules(FLUX_RULE);
    harness.put(REQUESTS, 1, 100);
    influx.respondWith(429, { code: 'too many requests', message: 'query rate limit exceeded' });
    influx.respondWith(503, { code: 'unavailable', message: 'service unavailable' });
    // Act
    const refused = await harness.run();
    const refusedState = await harness.state('no_signups');
    harness.advanceMinutes(1);
    harness.put(REQUESTS, 1, 101);
    const after = await harness.run();
    // Assess
    expect(refused).toMatchObject({ inError: 1, export: { influxWritten: false } });
    expect(refusedState?.error).toBe('InfluxDB query failed: HttpError: query rate limit exceeded');
    expect(harness.reports).toContainEqual(
      expect.objectContaining({
        message: 'InfluxDB write failed; the missed minutes are written on a later run',
      }),
    );
    expect(after).toMatchObject({ inError: 0, export: { influxWritten: true, influxMinutes: 2 } });
  });

  it('gives up on a hung InfluxDB within its timeout, and the rules are evaluated all the same', async () => {
    // Prepare
    influx.hang();
    harness.put(REQUESTS, 1, 100);
    // Act
    const startedAt = performance.now();
    const summary = await harness.run();
    const elapsedMs = performance.now() - startedAt;
    influx.resume();
    // Assess
    expect(summary.export).toMatchObject({ influxWritten: false, snapshotWritten: true });
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('fires a Flux rule on its query, and puts it in ERROR, not RESOLVED, when InfluxDB is unreachable', async () => {
    // Prepare: no sign-ups in the last two closed minutes (aggregateWindow stamps each window with its stop)
    await harness.onlyRules(FLUX_RULE);
    influx.answerQueries(() => [
      { _time: new Date('2026-11-30T09:59:00Z'), _value: 0, _field: 'count', _measurement: 'signups' },
      { _time: new Date('2026-11-30T10:00:00Z'), _value: 0, _field: 'count', _measurement: 'signups' },
    ]);
    // Act
    const fired = await harness.run();
    await influx.down();
    harness.advanceMinutes(1);
    const unreachable = await harness.run();
    await influx.up();
    // Assess
    expect(fired).toMatchObject({ firing: 1 });
    expect(harness.published().map((message) => [message.ruleId, message.state, message.metric])).toEqual([
      ['no_signups', 'FIRING', 'signups_per_minute'],
    ]);
    const query = influx.requests.find((request) => request.path === '/api/v2/query');
    expect(JSON.parse(query?.body ?? '{}').query).toContain('r._measurement == "signups"');
    expect(unreachable).toMatchObject({ firing: 1, inError: 1 });
    expect((await harness.state('no_signups'))?.error).toMatch(/^InfluxDB query failed: /);
  });
});
