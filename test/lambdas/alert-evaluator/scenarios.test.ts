import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const LATENCY_KEY = seriesKey('AWS/ApiGateway', 'Latency', { ApiId: DEPLOYMENT.httpApiId as string });

/** A latency rule on API Gateway's p99, in ms; `extra` adds columns such as treat_missing_data. */
function latencyRule(extra: Record<string, string | number> = {}): string {
  const columns = {
    id: "'slow'",
    name: "'Slow API'",
    metric_name: "'latency_p99'",
    condition: "'>'",
    threshold: 500,
    severity: "'warning'",
    ...extra,
  };
  return `INSERT INTO alert_rules (${Object.keys(columns).join(', ')}) VALUES (${Object.values(columns).join(', ')})`;
}

describe('the alert evaluator, minute by minute', () => {
  const harness = new EvaluatorHarness();
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.cloudwatch.clear();
    harness.cloudwatch.failWith = undefined;
    harness.cloudwatch.statusCode = 'Complete';
    harness.accepted.length = 0;
    harness.reports.length = 0;
    harness.now = new Date('2026-11-30T10:00:05Z');
  });

  /** Runs once a minute with the given value in the minute that just closed; returns each run's state. */
  async function minutes(values: (number | undefined)[]): Promise<string[]> {
    const states: string[] = [];
    for (const value of values) {
      if (value !== undefined) harness.put(LATENCY_KEY, 1, value);
      await harness.run();
      const state = await harness.state('slow');
      states.push(state?.error ? 'ERROR' : String(state?.state));
      harness.advanceMinutes(1);
    }
    return states;
  }

  it('does not fire on a breach shorter than M of N', async () => {
    // Prepare
    await harness.onlyRules(latencyRule());
    // Act
    const states = await minutes([900, 900, 100, 900, 900, 100]);
    // Assess
    expect(states).toEqual(['PENDING', 'PENDING', 'OK', 'PENDING', 'PENDING', 'OK']);
    expect(harness.published()).toEqual([]);
  });

  it('fires once when M of N breach, and resolves once', async () => {
    // Prepare
    await harness.onlyRules(latencyRule({ evaluation_periods: 5, datapoints_to_alarm: 3 }));
    // Act
    const states = await minutes([900, 100, 900, 900, 900, 900, 100, 100, 100]);
    // Assess: 3 of the last 5 breach at the fourth minute; then 3 good of 5 make the breach impossible.
    expect(states).toEqual([
      'PENDING',
      'OK',
      'PENDING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'OK',
    ]);
    const messages = harness.published();
    expect(messages.map((message) => message.state)).toEqual(['FIRING', 'RESOLVED']);
    expect(messages[0]).toMatchObject({
      ruleId: 'slow',
      currentValue: 900,
      threshold: 500,
      unit: 'ms',
      windowSeconds: 300,
    });
    expect(messages[1]?.dedupKey).toBe(messages[0]?.dedupKey);
    expect(messages[1]?.since).toBe(messages[0]?.since);
    expect(messages[1]?.resolvedAt).toBe('2026-11-30T10:08:05.000Z');
  });

  it('sends one FIRING and one RESOLVED for a flapping series when keep_firing_for covers the gaps', async () => {
    // Prepare
    await harness.onlyRules(
      latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1, keep_firing_for_seconds: 180 }),
    );
    // Act
    const states = await minutes([900, 100, 900, 100, 100, 900, 100, 100, 100, 100]);
    // Assess
    expect(states).toEqual([
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'FIRING',
      'OK',
    ]);
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('without keep_firing_for the same series notifies on every flap', async () => {
    await harness.onlyRules(latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1 }));
    await minutes([900, 100, 900, 100]);
    expect(harness.published().map((message) => message.state)).toEqual([
      'FIRING',
      'RESOLVED',
      'FIRING',
      'RESOLVED',
    ]);
  });

  it.each([
    // Three breaching minutes, then silence: what each policy makes of the silence.
    ['missing', ['PENDING', 'PENDING', 'FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING'], ['FIRING']],
    ['ignore', ['PENDING', 'PENDING', 'FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING'], ['FIRING']],
    // A gap before the first datapoint counts too: the rule fires at once.
    ['breaching', ['FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING'], ['FIRING']],
    ['notBreaching', ['PENDING', 'PENDING', 'FIRING', 'OK', 'OK', 'OK', 'OK'], ['FIRING', 'RESOLVED']],
  ])('treats missing data as %s', async (policy, expectedStates, expectedMessages) => {
    // Prepare
    await harness.onlyRules(latencyRule({ treat_missing_data: `'${policy}'` }));
    // Act
    const states = await minutes([900, 900, 900, undefined, undefined, undefined, undefined]);
    // Assess
    expect(states).toEqual(expectedStates);
    expect(harness.published().map((message) => message.state)).toEqual(expectedMessages);
  });

  it('fires on silence alone when missing data is breaching, and stays quiet when it is missing', async () => {
    await harness.onlyRules(
      latencyRule({ treat_missing_data: "'breaching'" }),
      latencyRule({ id: "'quiet'", treat_missing_data: "'missing'" }),
    );
    await minutes([undefined, undefined, undefined]);
    const messages = harness.published();
    expect(messages.map((message) => [message.ruleId, message.state])).toEqual([['slow', 'FIRING']]);
    expect(messages[0]?.labels).toMatchObject({ datapoints: 'missing (treated as breaching)' });
    expect((await harness.state('quiet'))?.state).toBe('OK');
  });

  it('resolves a missing-data rule only on data that is within the threshold', async () => {
    await harness.onlyRules(latencyRule());
    const states = await minutes([900, 900, 900, undefined, undefined, 100]);
    expect(states).toEqual(['PENDING', 'PENDING', 'FIRING', 'FIRING', 'FIRING', 'OK']);
  });

  it.each([
    [
      'a partial answer',
      () => {
        harness.cloudwatch.statusCode = 'PartialData';
      },
    ],
    [
      'an internal error',
      () => {
        harness.cloudwatch.statusCode = 'InternalError';
      },
    ],
    [
      'throttling after the retries',
      () => {
        harness.cloudwatch.failWith = Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
        });
      },
    ],
  ])('puts the rule in ERROR on %s, neither firing nor resolving, reported once', async (_name, breakIt) => {
    // Prepare: the rule fires
    await harness.onlyRules(latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1 }));
    await minutes([900]);
    // Act: three bad answers while the value is good, then good answers again
    breakIt();
    const during = await minutes([100, 100, 100]);
    harness.cloudwatch.failWith = undefined;
    harness.cloudwatch.statusCode = 'Complete';
    const after = await minutes([900]);
    // Assess
    expect(during).toEqual(['ERROR', 'ERROR', 'ERROR']);
    expect(after).toEqual(['FIRING']);
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING']);
    expect(
      harness.reports.filter((report) => report.message === 'Alert rule cannot be evaluated'),
    ).toHaveLength(1);
    expect((await harness.state('slow'))?.error).toBeNull();
  });

  it('reminds after the repeat interval while the rule keeps firing', async () => {
    await harness.onlyRules(
      latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1, repeat_interval_seconds: 300 }),
    );
    await minutes([900, 900, 900, 900, 900, 900, 900, 900, 900, 900, 900]);
    const messages = harness.published();
    expect(messages.map((message) => message.state)).toEqual(['FIRING', 'REMINDER', 'REMINDER']);
    expect(new Set(messages.map((message) => message.dedupKey)).size).toBe(1);
  });

  it('stays silent while muted, and sends one FIRING when unmuted while still firing', async () => {
    // Prepare
    await harness.onlyRules(
      latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1, muted_until: "'2026-11-30T10:03:00Z'" }),
    );
    // Act
    const states = await minutes([900, 900, 900, 900, 900]);
    // Assess
    expect(states).toEqual(['FIRING', 'FIRING', 'FIRING', 'FIRING', 'FIRING']);
    const messages = harness.published();
    expect(messages.map((message) => [message.state, message.evaluatedAt])).toEqual([
      ['FIRING', '2026-11-30T10:03:05.000Z'],
    ]);
  });

  it('sends FIRING again when a mute set during an announced episode ends while it still fires', async () => {
    // Prepare: the rule fires and is announced, then someone mutes it for two minutes
    await harness.onlyRules(latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1 }));
    await minutes([900]);
    await harness.sqlExec(`UPDATE alert_rules SET muted_until = '2026-11-30T10:03:00Z' WHERE id = 'slow'`);
    // Act
    await minutes([900, 900, 900]);
    // Assess
    expect(harness.published().map((message) => [message.state, message.evaluatedAt])).toEqual([
      ['FIRING', '2026-11-30T10:00:05.000Z'],
      ['FIRING', '2026-11-30T10:03:05.000Z'],
    ]);
  });

  it('a rule muted for its whole episode sends nothing at all', async () => {
    await harness.onlyRules(
      latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1, muted_until: "'2026-12-01T00:00:00Z'" }),
    );
    await minutes([900, 900, 100]);
    expect(harness.published()).toEqual([]);
  });

  it('notifies once when two runs overlap on the same schedule tick', async () => {
    // Prepare
    await harness.onlyRules(latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1 }));
    harness.put(LATENCY_KEY, 1, 900);
    harness.cloudwatch.holdUntil(3);
    // Act: all three have read the rule before any of them writes
    const summaries = await Promise.all([harness.run(), harness.run(), harness.run()]).finally(() =>
      harness.cloudwatch.releaseHold(),
    );
    // Assess
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING']);
    expect(summaries.map((summary) => summary.skippedByOverlap).sort()).toEqual([0, 1, 1]);
  });

  it('publishes on the next run what SNS refused, without evaluating it twice', async () => {
    // Prepare
    await harness.onlyRules(latencyRule({ evaluation_periods: 1, datapoints_to_alarm: 1 }));
    harness.failNextPublishes(1);
    // Act
    const first = await minutes([900]);
    const publishedAfterFirst = harness.published().length;
    await minutes([900]);
    // Assess
    expect(first).toEqual(['FIRING']);
    expect(publishedAfterFirst).toBe(0);
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING']);
    const { rows } = await harness.sqlExec(
      'SELECT attempts, outcome, published_at, last_error FROM alert_notifications',
    );
    expect(rows).toEqual([expect.objectContaining({ attempts: 2, outcome: 'published', last_error: null })]);
    expect(rows[0]?.published_at).toBeInstanceOf(Date);
  });

  it('keeps settled notifications for 30 days and then deletes them; a pending one expires first', async () => {
    // Prepare
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, outcome, published_at, settled_at, created_at)
       VALUES
         ('old', 'FIRING', 'old:1', '{}', 'published', now() - interval '31 days', now() - interval '31 days', now() - interval '31 days'),
         ('recent', 'FIRING', 'recent:1', '{}', 'published', now() - interval '29 days', now() - interval '29 days', now() - interval '29 days'),
         ('dropped', 'REMINDER', 'dropped:1', '{}', 'superseded', NULL, now() - interval '31 days', now() - interval '31 days'),
         ('stuck', 'FIRING', 'stuck:1', '{}', NULL, NULL, NULL, now() - interval '40 days')`,
    );
    // Act
    await harness.run();
    // Assess
    const { rows } = await harness.sqlExec(
      'SELECT rule_id, outcome FROM alert_notifications ORDER BY rule_id',
    );
    expect(rows).toEqual([
      { rule_id: 'recent', outcome: 'published' },
      { rule_id: 'stuck', outcome: 'expired' },
    ]);
  });
});
