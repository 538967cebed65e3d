import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchMetricSource } from '../../lambdas/alert-evaluator/cloudwatch-metric-source';
import { InfluxFluxSource } from '../../lambdas/alert-evaluator/flux-source';
import { runRulesCommand } from '../../scripts/rules/rules-command';
import { CloudWatchStandIn, seriesKey } from '../lambdas/alert-evaluator/cloudwatch-stand-in';
import { DEPLOYMENT } from '../lambdas/alert-evaluator/evaluator-harness';
import { type InfluxStandIn, startInfluxServer } from '../support/influxdb-server';
import { createTestDatabase, type TestDatabase } from '../support/postgres';

describe('npm run rules', () => {
  const cloudwatch = new CloudWatchStandIn();
  const now = new Date('2026-11-30T10:00:20Z');
  let database: TestDatabase;
  let pool: pg.Pool;
  let influx: InfluxStandIn;
  const rules = (...argv: string[]) =>
    runRulesCommand(argv, {
      db: { query: (_type, text, values) => pool.query(text, values) },
      source: () => new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' })),
      deployment: DEPLOYMENT,
      now: () => now,
      flux: async () =>
        new InfluxFluxSource({ url: influx.url, token: influx.token, org: influx.org, timeoutMs: 1_000 }),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    influx = await startInfluxServer();
  });
  afterAll(async () => {
    cloudwatch.restore();
    await influx.close();
    await pool.end();
    await database.drop();
  });

  it('adds a rule with its evaluation settings and lists it in a table', async () => {
    // Act
    const added = await rules(
      'add',
      '--id',
      'slow_events',
      '--name',
      'Slow event list',
      '--metric',
      'latency_p99',
      '--dimension',
      'endpoint=/api/events',
      '--condition',
      '>',
      '--threshold',
      '800',
      '--severity',
      'warning',
      '--channels',
      'slack',
      '--evaluation-periods',
      '5',
      '--datapoints-to-alarm',
      '3',
    );
    const listed = await rules('list');
    // Assess
    expect(added).toBe('Added slow_events: latency_p99 > 800 (warning)');
    const lines = listed.split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+RULE\s+SEVERITY\s+CHANNELS\s+EVALUATION\s+STATE\s+VALUE\s+MUTED$/);
    expect(lines.find((line) => line.startsWith('slow_events'))).toMatch(
      /Slow event list\s+latency_p99\{endpoint=\/api\/events\} > 800\s+warning\s+slack\s+3 of 5 × 60s\s+never evaluated/,
    );
    expect(lines.find((line) => line.startsWith('alert_rule_high_error_rate'))).toContain('error_rate > 10');
  });

  it.each([
    [['--metric', 'errors'], 'metric_name: got "errors", expected one of error_rate'],
    [['--condition', '=>'], 'condition: got "=>", expected one of >, >=, <, <=, ==, !='],
    [['--threshold', 'ten'], 'threshold: got "ten", expected a number'],
    [['--channels', 'slack,pager'], 'notification_channels.1: got "pager", expected one of slack, email'],
    [['--channels', 'slack,email,slack'], 'notification_channels: each of slack, email at most once'],
    [['--threshold', 'Infinity'], 'threshold: got "Infinity", expected a number'],
  ])('refuses %j naming the field and the accepted values', async (change, message) => {
    const flags: Record<string, string> = {
      '--id': 'bad',
      '--name': 'Bad',
      '--metric': 'error_rate',
      '--condition': '>',
      '--threshold': '5',
      '--severity': 'info',
    };
    flags[change[0] as string] = change[1] as string;
    await expect(rules('add', ...Object.entries(flags).flat())).rejects.toThrow(message);
    const { rows } = await pool.query("SELECT id FROM alert_rules WHERE id = 'bad'");
    expect(rows).toEqual([]);
  });

  it('lists the notifications not delivered: pending with their last error, and those refused for good', async () => {
    // Prepare
    await pool.query(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, attempts, last_error, outcome, settled_at,
                                        published_at, created_at)
       VALUES ('slow_events', 'FIRING', 'slow_events:1', '{}', 3, 'InternalErrorException: Service unavailable', NULL, NULL, NULL, '2026-11-30T09:58:00Z'),
              ('huge', 'FIRING', 'huge:1', '{}', 1, 'InvalidParameterException: Invalid parameter: Message too long', 'failed', now(), NULL, '2026-11-30T09:59:00Z'),
              ('fine', 'FIRING', 'fine:1', '{}', 1, NULL, 'published', now(), now(), '2026-11-30T09:59:30Z')`,
    );
    try {
      // Act
      const listed = await rules('list');
      // Assess
      const section = listed.slice(listed.indexOf('Notifications not delivered:')).split('\n');
      expect(section[1]).toMatch(/^RULE\s+KIND\s+OUTCOME\s+QUEUED\s+ATTEMPTS\s+WHY$/);
      expect(section.slice(3)).toEqual([
        expect.stringMatching(
          /^huge\s+FIRING\s+failed \(not retried\)\s+2026-11-30T09:59:00.000Z\s+1\s+InvalidParameterException: Invalid parameter: Message too long$/,
        ),
        expect.stringMatching(
          /^slow_events\s+FIRING\s+pending\s+2026-11-30T09:58:00.000Z\s+3\s+InternalErrorException: Service unavailable$/,
        ),
      ]);
    } finally {
      await pool.query('DELETE FROM alert_notifications');
    }
  });

  it('disables, enables, mutes for a while, unmutes and deletes', async () => {
    expect(await rules('disable', 'slow_events')).toBe('slow_events disabled');
    expect(await rules('list')).toMatch(/slow_events .*disabled, never evaluated/);
    expect(await rules('enable', 'slow_events')).toBe('slow_events enabled');
    expect(await rules('mute', 'slow_events', '--until', '2h')).toBe(
      'slow_events muted until 2026-11-30T12:00:20.000Z',
    );
    expect(await rules('list')).toMatch(/slow_events .*until 2026-11-30T12:00:20.000Z/);
    await expect(rules('mute', 'slow_events', '--until', 'tomorrow')).rejects.toThrow(
      "--until: got 'tomorrow'",
    );
    expect(await rules('unmute', 'slow_events')).toBe('slow_events unmuted');
    expect(await rules('delete', 'slow_events')).toBe('slow_events deleted');
    await expect(rules('delete', 'slow_events')).rejects.toThrow("No rule with id 'slow_events'");
  });

  it('test shows what each rule would decide now and why, and writes nothing', async () => {
    // Prepare: 30% errors in each of the last three minutes
    for (const minutesBack of [1, 2, 3]) {
      const start = new Date(Date.parse('2026-11-30T10:00:00Z') - minutesBack * 60_000);
      cloudwatch.put(
        seriesKey('AWS/ApiGateway', 'Count', { ApiId: DEPLOYMENT.httpApiId as string }),
        start,
        100,
      );
      cloudwatch.put(
        seriesKey('AWS/ApiGateway', '5xx', { ApiId: DEPLOYMENT.httpApiId as string }),
        start,
        30,
      );
    }
    // Act
    const output = await rules('test');
    // Assess
    expect(output.split('\n')[2]).toMatch(
      /^alert_rule_high_error_rate\s+new\s+FIRING\s+FIRING\s+breaching: 3 of the last 3 periods breach error_rate > 10 \(needs 3; missing data: missing\); newest first: \[30! 30! 30!\]$/,
    );
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM alert_rule_state');
    expect(rows[0]?.n).toBe(0);
  });

  it('adds a Flux rule and tests it against InfluxDB', async () => {
    // Prepare
    await rules(
      'add',
      '--id',
      'no_signups',
      '--name',
      'No sign-ups',
      '--source',
      'influxdb',
      '--metric',
      'signups_per_minute',
      '--flux-query',
      'from(bucket: "app") |> range(start: -5m)',
      '--condition',
      '<',
      '--threshold',
      '1',
      '--severity',
      'warning',
      '--evaluation-periods',
      '1',
      '--datapoints-to-alarm',
      '1',
    );
    influx.answerQueries(() => [
      { _time: new Date('2026-11-30T10:00:00Z'), _value: 0, _field: 'count', _measurement: 'signups' },
    ]);
    // Act
    const listed = await rules('list');
    const tested = await rules('test');
    // Assess
    expect(listed).toMatch(/no_signups\s+No sign-ups\s+flux:signups_per_minute < 1/);
    expect(tested.split('\n').find((line) => line.startsWith('no_signups'))).toMatch(
      /^no_signups\s+new\s+FIRING\s+FIRING\s+breaching: 1 of the last 1 periods breach signups_per_minute < 1/,
    );
  });
});
