import { InvalidParameterException } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const LATENCY_KEY = seriesKey('AWS/ApiGateway', 'Latency', { ApiId: DEPLOYMENT.httpApiId as string });

/** `count` rules on the API's p99 latency that fire on one breaching minute and remind every minute. */
function firingRules(count: number, repeatSeconds = 60): string {
  return `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, evaluation_periods,
                                   datapoints_to_alarm, repeat_interval_seconds)
          SELECT 'rule-' || lpad(i::text, 3, '0'), 'Rule ' || i, 'latency_p99', '>', 500, 'warning', 1, 1, ${repeatSeconds}
            FROM generate_series(1, ${count}) AS i`;
}

/** A valid alert message for SQL to copy: `jsonb_set` gives each row its rule id and state. */
const TEMPLATE = JSON.stringify({
  type: 'signupflow.alert',
  version: 1,
  ruleId: 'template',
  ruleName: 'Template',
  metric: 'latency_p99',
  currentValue: 900,
  condition: '>',
  threshold: 500,
  severity: 'warning',
  state: 'FIRING',
  since: '2026-11-30T09:00:00.000Z',
  evaluatedAt: '2026-11-30T09:00:00.000Z',
  channels: ['slack'],
  dedupKey: 'template:2026-11-30T09:00:00.000Z',
  service: 'signupflow',
  stage: 'test',
});
const messageOf = (ruleId: string, state: string) =>
  `jsonb_set(jsonb_set($1::jsonb, '{ruleId}', to_jsonb(${ruleId}::text)), '{state}', to_jsonb(${state}::text))`;

const snsDown = () => Object.assign(new Error('Service unavailable'), { name: 'InternalErrorException' });
const tooLong = () =>
  new InvalidParameterException({ message: 'Invalid parameter: Message too long', $metadata: {} });

describe('the outbox of alert notifications', () => {
  const harness = new EvaluatorHarness();
  beforeAll(() => harness.start());
  afterAll(() => harness.stop());
  beforeEach(() => {
    harness.cloudwatch.clear();
    harness.accepted.length = 0;
    harness.reports.length = 0;
    harness.sns.resetHistory();
    harness.refusePublish = undefined;
    harness.now = new Date('2026-11-30T10:00:05Z');
  });

  /** One run a minute with the given latency in the minute that just closed. */
  async function minutes(values: number[]) {
    const summaries = [];
    for (const value of values) {
      harness.put(LATENCY_KEY, 1, value);
      summaries.push(await harness.run());
      harness.advanceMinutes(1);
    }
    return summaries;
  }

  async function pendingByKind(): Promise<Record<string, number>> {
    const { rows } = await harness.sqlExec(
      `SELECT kind, count(*)::int AS n FROM alert_notifications WHERE outcome IS NULL GROUP BY kind ORDER BY kind`,
    );
    return Object.fromEntries(rows.map((row) => [row.kind, row.n]));
  }

  it('keeps at most one pending message per rule and kind while SNS fails, and sends no stale reminder after', async () => {
    // Prepare: 150 firing rules with a reminder every minute
    await harness.onlyRules(firingRules(150));
    harness.refusePublish = snsDown;
    // Act: five minutes of SNS refusing everything, then it is back
    await minutes([900, 900, 900, 900, 900]);
    const pendingDuringOutage = await pendingByKind();
    harness.refusePublish = undefined;
    await minutes([900]);
    // Assess: each rule's FIRING once, and nothing else: the reminders were owed while FIRING was pending
    expect(pendingDuringOutage).toEqual({ FIRING: 150 });
    const states = harness.published().map((message) => message.state);
    expect(states).toHaveLength(150);
    expect(new Set(states)).toEqual(new Set(['FIRING']));
    expect(await pendingByKind()).toEqual({});
  });

  it('drops a REMINDER that could not be sent before the next one was due', async () => {
    // Prepare: the rule fires and is announced
    await harness.onlyRules(firingRules(1));
    await minutes([900]);
    harness.refusePublish = snsDown;
    // Act: three reminders fall due while SNS fails
    await minutes([900, 900, 900]);
    const pending = await pendingByKind();
    harness.refusePublish = undefined;
    await minutes([900]);
    // Assess: one reminder pending at a time; after recovery the newest is sent with its own value, once
    expect(pending).toEqual({ REMINDER: 1 });
    const published = harness.published();
    expect(published.map((message) => [message.state, message.evaluatedAt])).toEqual([
      ['FIRING', '2026-11-30T10:00:05.000Z'],
      ['REMINDER', '2026-11-30T10:04:05.000Z'],
    ]);
    const { rows } = await harness.sqlExec(
      `SELECT outcome, count(*)::int AS n FROM alert_notifications WHERE kind = 'REMINDER' GROUP BY outcome ORDER BY outcome`,
    );
    expect(rows).toEqual([
      { outcome: 'published', n: 1 },
      { outcome: 'superseded', n: 3 },
    ]);
  });

  it('a transition supersedes the pending REMINDER of the state before it', async () => {
    // Prepare
    await harness.onlyRules(firingRules(1));
    await minutes([900]);
    harness.refusePublish = snsDown;
    await minutes([900]);
    // Act: the rule resolves while its reminder is still pending, then SNS is back
    await minutes([100]);
    harness.refusePublish = undefined;
    await minutes([100]);
    // Assess
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('sends each transition of an outage once, in order, and an episode nobody was told of ends silently', async () => {
    // Prepare
    await harness.onlyRules(firingRules(1, 3_600));
    await minutes([900]);
    harness.refusePublish = snsDown;
    // Act: resolved, fired again and resolved again during the outage, then firing when SNS is back
    await minutes([100, 900, 100, 900]);
    harness.refusePublish = undefined;
    await minutes([900]);
    // Assess: the first episode's RESOLVED, then the current episode's FIRING; the second episode (fired and
    // resolved unseen) is not replayed
    const published = harness.published();
    expect(published.map((message) => [message.state, message.since])).toEqual([
      ['FIRING', '2026-11-30T10:00:05.000Z'],
      ['RESOLVED', '2026-11-30T10:00:05.000Z'],
      ['FIRING', '2026-11-30T10:04:05.000Z'],
    ]);
  });

  it('stops retrying a message SNS refuses for good, records why, and lets every other rule through', async () => {
    // Prepare: 100 messages SNS refuses as too long, queued before a FIRING that failed once for a passing reason
    await harness.onlyRules(firingRules(1));
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, created_at)
       SELECT 'huge-' || i, 'FIRING', 'huge-' || i || ':1', ${messageOf("'huge-' || i", "'FIRING'")},
              now() - interval '10 minutes'
         FROM generate_series(1, 100) AS i`,
      [TEMPLATE],
    );
    const refuseHuge = (input: { Message?: string }) =>
      input.Message?.includes('"ruleId":"huge-') ? tooLong() : undefined;
    harness.refusePublish = (input) =>
      refuseHuge(input) ?? (input.Message?.includes('"ruleId":"rule-001"') ? snsDown() : undefined);
    const [first] = await minutes([900]);
    const callsAfterFirst = harness.publishCalls().length;
    harness.refusePublish = refuseHuge;
    // Act
    const [second] = await minutes([900]);
    // Assess: the refused rows were tried once; the FIRING went out in the next run
    expect(first).toMatchObject({ published: 0, refused: 100, publishFailed: 1 });
    expect(second).toMatchObject({ published: 1, refused: 0 });
    expect(harness.publishCalls().length).toBe(callsAfterFirst + 1);
    expect(harness.published().map((message) => [message.ruleId, message.state])).toEqual([
      ['rule-001', 'FIRING'],
    ]);
    const { rows } = await harness.sqlExec(
      `SELECT outcome, last_error, count(*)::int AS n FROM alert_notifications WHERE rule_id LIKE 'huge-%' GROUP BY 1, 2`,
    );
    expect(rows).toEqual([
      {
        outcome: 'failed',
        last_error: 'InvalidParameterException: Invalid parameter: Message too long',
        n: 100,
      },
    ]);
  });

  it('records a permanent SNS refusal once, with its reason, and never retries it', async () => {
    // Prepare
    await harness.onlyRules(firingRules(1, 3_600));
    harness.refusePublish = tooLong;
    // Act
    const [refused] = await minutes([900]);
    harness.refusePublish = undefined;
    await minutes([900, 900]);
    // Assess
    expect(refused).toMatchObject({ published: 0, refused: 1 });
    expect(harness.publishCalls()).toHaveLength(1);
    const { rows } = await harness.sqlExec(`SELECT outcome, attempts, last_error FROM alert_notifications`);
    expect(rows).toEqual([
      {
        outcome: 'failed',
        attempts: 1,
        last_error: 'InvalidParameterException: Invalid parameter: Message too long',
      },
    ]);
    expect(harness.reports).toContainEqual({
      message: 'SNS refused alert notifications for good; they are not retried',
      details: expect.objectContaining({
        count: 1,
        first: 'InvalidParameterException: Invalid parameter: Message too long',
      }),
    });
  });

  it('expires a FIRING or RESOLVED still pending after 24 hours, with a report and a count', async () => {
    // Prepare
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, created_at) VALUES
         ('old', 'FIRING', 'old:1', ${messageOf("'old'", "'FIRING'")}, now() - interval '25 hours'),
         ('young', 'RESOLVED', 'young:1', ${messageOf("'young'", "'RESOLVED'")}, now() - interval '23 hours')`,
      [TEMPLATE],
    );
    harness.refusePublish = snsDown;
    // Act
    const [summary] = await minutes([100]);
    // Assess
    expect(summary).toMatchObject({ expired: 1, publishFailed: 1 });
    const { rows } = await harness.sqlExec(
      `SELECT rule_id, outcome FROM alert_notifications ORDER BY rule_id`,
    );
    expect(rows).toEqual([
      { rule_id: 'old', outcome: 'expired' },
      { rule_id: 'young', outcome: null },
    ]);
    expect(harness.reports).toContainEqual({
      message: 'Alert notifications expired unsent after 24 hours',
      details: expect.objectContaining({ count: 1, rules: ['old'] }),
    });
  });

  it('backs off a publish that got no answer in time, which SNS may have taken: 1, 2, 4, then 8 minutes', async () => {
    // Prepare
    await harness.onlyRules(firingRules(1, 3_600));
    harness.refusePublish = () =>
      Object.assign(new Error('a request has exceeded the configured 3000 ms requestTimeout'), {
        name: 'TimeoutError',
      });
    // Act: each run a failure; between the runs, the wait is over
    const waits: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await minutes([900]);
      const { rows } = await harness.sqlExec(
        'SELECT round(extract(epoch FROM retry_after - now()) / 60) AS minutes FROM alert_notifications',
      );
      waits.push(Number(rows[0]?.minutes));
      const [backingOff] = await minutes([900]);
      expect(backingOff).toMatchObject({ publishFailed: 0, published: 0 });
      await harness.sqlExec('UPDATE alert_notifications SET retry_after = now()');
    }
    // Assess
    expect(waits).toEqual([1, 2, 4, 8, 8]);
    expect(harness.publishCalls()).toHaveLength(5);
  });

  it('sends the RESOLVED of an episode whose FIRING got no answer: SNS may have taken that FIRING', async () => {
    // Prepare: the FIRING times out (it may have reached SNS)
    await harness.onlyRules(firingRules(1, 3_600));
    harness.refusePublish = () => Object.assign(new Error('no answer'), { name: 'TimeoutError' });
    await minutes([900]);
    // Act: the rule resolves; SNS is well again once the wait is over
    harness.refusePublish = undefined;
    await minutes([100]);
    await harness.sqlExec('UPDATE alert_notifications SET retry_after = now()');
    await minutes([100]);
    // Assess: the FIRING again, then its RESOLVED; never an episode left open in Slack
    expect(harness.published().map((message) => message.state)).toEqual(['FIRING', 'RESOLVED']);
  });

  it('keeps the RESOLVED of an episode whose FIRING may have been sent when the next episode fires', async () => {
    // Prepare: a FIRING that got no answer (SNS may have taken it); the rule resolves and fires again
    await harness.onlyRules(firingRules(1, 3_600));
    harness.refusePublish = () => Object.assign(new Error('no answer'), { name: 'TimeoutError' });
    await minutes([900, 100, 900]);
    // Act: SNS is well again once the wait is over
    harness.refusePublish = undefined;
    await harness.sqlExec('UPDATE alert_notifications SET retry_after = now()');
    await minutes([900]);
    // Assess: the first episode ends in Slack before the second starts
    expect(harness.published().map((message) => [message.state, message.since])).toEqual([
      ['RESOLVED', '2026-11-30T10:00:05.000Z'],
      ['FIRING', '2026-11-30T10:02:05.000Z'],
    ]);
  });

  it("publishes every pending message each run up to its bound, every rule's oldest before any rule's second", async () => {
    // Prepare: 300 rules with a pending RESOLVED (older) and FIRING (newer) each: 600 messages
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, created_at)
       SELECT 'r' || lpad(i::text, 3, '0'), k.kind, 'r' || i || ':' || k.kind, ${messageOf("'r' || lpad(i::text, 3, '0')", 'k.kind')}, now() - k.age
         FROM generate_series(1, 300) AS i,
              (VALUES ('RESOLVED', interval '2 minutes'), ('FIRING', interval '1 minute')) AS k(kind, age)`,
      [TEMPLATE],
    );
    // Act
    const [first] = await minutes([100]);
    const [second] = await minutes([100]);
    // Assess: the bound is 500 a run: all 300 RESOLVEDs and 200 FIRINGs, then the last 100 FIRINGs
    expect(first).toMatchObject({ published: 500 });
    expect(second).toMatchObject({ published: 100 });
    const firstRun = harness.published().slice(0, 500);
    expect(firstRun.filter((message) => message.state === 'RESOLVED')).toHaveLength(300);
    for (const ruleId of new Set(firstRun.map((message) => message.ruleId))) {
      const states = firstRun.filter((message) => message.ruleId === ruleId).map((message) => message.state);
      expect(states[0]).toBe('RESOLVED');
    }
  });

  it('tries the least tried first: messages SNS keeps refusing do not hold the others back', async () => {
    // Prepare: ten older messages that failed often and still fail (more than are published at once), and
    // twenty new ones
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message, attempts, created_at)
       SELECT 'stuck' || i, 'FIRING', 'stuck' || i || ':1', ${messageOf("'stuck' || i", "'FIRING'")}, 5, now() - interval '1 hour'
         FROM generate_series(1, 10) AS i`,
      [TEMPLATE],
    );
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message)
       SELECT 'r' || i, 'FIRING', 'r' || i || ':1', ${messageOf("'r' || i", "'FIRING'")} FROM generate_series(1, 20) AS i`,
      [TEMPLATE],
    );
    harness.refusePublish = (input) => (input.Message?.includes('"ruleId":"stuck') ? snsDown() : undefined);
    // Act
    const [summary] = await minutes([100]);
    // Assess: the new ones went first; the stuck ones were tried until the run gave up on SNS
    expect(summary).toMatchObject({ published: 20 });
    expect(summary?.publishFailed).toBeGreaterThanOrEqual(3);
  });

  it('stops publishing for the run after three refusals in a row: SNS is down, the rest wait', async () => {
    // Prepare: 20 rules with a pending FIRING each; SNS refuses everything
    await harness.onlyRules();
    await harness.sqlExec(
      `INSERT INTO alert_notifications (rule_id, kind, dedup_key, message)
       SELECT 'r' || i, 'FIRING', 'r' || i || ':1', ${messageOf("'r' || i", "'FIRING'")} FROM generate_series(1, 20) AS i`,
      [TEMPLATE],
    );
    harness.refusePublish = snsDown;
    // Act
    const [run] = await minutes([100]);
    const summary = run as NonNullable<typeof run>;
    // Assess: the rules already in flight when the third refusal came finish their attempt; the rest wait
    expect(summary.publishFailed).toBeGreaterThanOrEqual(3);
    expect(summary.publishFailed).toBeLessThanOrEqual(8);
    expect(summary.unsent).toBe(20 - summary.publishFailed);
    expect(harness.publishCalls()).toHaveLength(summary.publishFailed);
  });
});
