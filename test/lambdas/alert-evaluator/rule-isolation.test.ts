import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRuleColumns } from '../../../lambdas/alert-evaluator/rule';
import { seriesKey } from './cloudwatch-stand-in';
import { DEPLOYMENT, EvaluatorHarness } from './evaluator-harness';

const LATENCY_KEY = seriesKey('AWS/ApiGateway', 'Latency', { ApiId: DEPLOYMENT.httpApiId as string });

/** A rule that fires on the first breaching minute (p99 latency above 500 ms). */
function firingRule(id: string): string {
  return `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, evaluation_periods, datapoints_to_alarm)
          VALUES ('${id}', 'Slow ${id}', 'latency_p99', '>', 500, 'warning', 1, 1)`;
}

// One harness per file: aws-sdk-client-mock replaces the SDK clients' send for the whole process.
const harness = new EvaluatorHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('one rule at fault harms only itself', () => {
  beforeEach(async () => {
    harness.cloudwatch.clear();
    harness.accepted.length = 0;
    harness.reports.length = 0;
    harness.now = new Date('2026-11-30T10:00:05Z');
    await harness.onlyRules(firingRule('a'), firingRule('b'), firingRule('c'));
  });

  /** Runs once a minute with every rule breaching. */
  async function breachingMinutes(count: number) {
    const summaries = [];
    for (let minute = 0; minute < count; minute++) {
      harness.put(LATENCY_KEY, 1, 900);
      summaries.push(await harness.run());
      harness.advanceMinutes(1);
    }
    return summaries;
  }

  describe('a state row the code cannot represent (written before the checks existed)', () => {
    const CHECK = 'alert_rule_state_timestamps_finite';
    let definition: string;
    beforeAll(async () => {
      const { rows } = await harness.sqlExec(
        'SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint WHERE conname = $1',
        [CHECK],
      );
      definition = rows[0]?.definition;
      await harness.sqlExec(`ALTER TABLE alert_rule_state DROP CONSTRAINT ${CHECK}`);
    });
    afterAll(async () => {
      await harness.sqlExec('DELETE FROM alert_rule_state');
      await harness.sqlExec(`ALTER TABLE alert_rule_state ADD CONSTRAINT ${CHECK} ${definition}`);
    });

    it('puts that rule alone in ERROR naming the column; the others are evaluated, written and notified', async () => {
      // Prepare: every rule fires once; then one row's state_since becomes infinity
      await breachingMinutes(1);
      await harness.sqlExec(`UPDATE alert_rule_state SET state_since = 'infinity' WHERE rule_id = 'b'`);
      await harness.sqlExec(`UPDATE alert_rules SET repeat_interval_seconds = 60`);
      harness.accepted.length = 0;
      // Act: the next minute owes every rule a REMINDER
      const [summary] = await breachingMinutes(1);
      // Assess
      expect(summary).toMatchObject({ rulesEvaluated: 3, inError: 1, firing: 3 });
      expect((await harness.state('b'))?.error).toBe(
        'alert_rule_state.state_since: not a finite timestamp (Infinity); fix or delete the row (docs/MONITORING_RUNBOOK.md#alert-rules-in-error)',
      );
      expect((await harness.state('a'))?.last_evaluated_at).toEqual(new Date('2026-11-30T10:01:05Z'));
      expect((await harness.state('c'))?.last_evaluated_at).toEqual(new Date('2026-11-30T10:01:05Z'));
      expect(harness.published().map((message) => [message.ruleId, message.state])).toEqual([
        ['a', 'REMINDER'],
        ['c', 'REMINDER'],
      ]);
      expect(harness.reports.map((report) => report.details.ruleId)).toEqual(['b']);
    });

    it('keeps that rule in ERROR, reported once, until the row is fixed; then it evaluates again', async () => {
      // Prepare
      await breachingMinutes(1);
      await harness.sqlExec(`UPDATE alert_rule_state SET clear_since = '-infinity' WHERE rule_id = 'a'`);
      // Act
      const inError = await breachingMinutes(2);
      await harness.sqlExec(`UPDATE alert_rule_state SET clear_since = NULL WHERE rule_id = 'a'`);
      const [fixed] = await breachingMinutes(1);
      // Assess
      expect(inError.map((summary) => summary.inError)).toEqual([1, 1]);
      expect(harness.reports.filter((report) => report.details.ruleId === 'a')).toHaveLength(1);
      expect(fixed).toMatchObject({ inError: 0, firing: 3 });
      expect(await harness.state('a')).toMatchObject({ state: 'FIRING', error: null });
    });
  });

  it('a write the database refuses for one rule puts that rule alone in ERROR with the cause', async () => {
    // Prepare: Postgres refuses any write of rule b's state (a trigger stands for any per-row refusal)
    await harness.sqlExec(`CREATE OR REPLACE FUNCTION refuse_b() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'rule b is read-only today' USING ERRCODE = 'check_violation'; END $$`);
    await harness.sqlExec(`CREATE TRIGGER refuse_b BEFORE INSERT OR UPDATE ON alert_rule_state
      FOR EACH ROW WHEN (NEW.rule_id = 'b' AND NEW.error IS NULL) EXECUTE FUNCTION refuse_b()`);
    try {
      // Act
      const [summary] = await breachingMinutes(1);
      // Assess
      expect(summary).toMatchObject({ rulesEvaluated: 3, inError: 1, firing: 2 });
      expect((await harness.state('b'))?.error).toBe(
        'the state could not be written: rule b is read-only today (23514)',
      );
      expect(harness.published().map((message) => [message.ruleId, message.state])).toEqual([
        ['a', 'FIRING'],
        ['c', 'FIRING'],
      ]);
    } finally {
      await harness.sqlExec('DROP TRIGGER refuse_b ON alert_rule_state');
    }
  });
});

describe('the database refuses what the code cannot represent', () => {
  beforeAll(() => harness.onlyRules(firingRule('a')));

  it.each(['NaN', 'Infinity', '-Infinity'])('a threshold of %s', async (threshold) => {
    await expect(
      harness.sqlExec(`UPDATE alert_rules SET threshold = '${threshold}' WHERE id = 'a'`),
    ).rejects.toThrow('alert_rules_threshold_finite');
  });

  it.each([
    'state_since',
    'episode_started_at',
    'last_notified_at',
    'clear_since',
    'last_evaluated_at',
    'error_since',
  ])('a non-finite or out-of-range %s in alert_rule_state', async (column) => {
    // Prepare
    await harness.sqlExec('DELETE FROM alert_rule_state');
    await harness.sqlExec(
      `INSERT INTO alert_rule_state (rule_id, state, state_since, last_evaluated_at, version)
       VALUES ('a', 'OK', now(), now(), 1)`,
    );
    // Act + Assess
    for (const value of ['infinity', '-infinity', '20000-01-01T00:00:00Z']) {
      await expect(
        harness.sqlExec(`UPDATE alert_rule_state SET ${column} = '${value}' WHERE rule_id = 'a'`),
      ).rejects.toThrow('alert_rule_state_timestamps_finite');
    }
  });

  it('a non-finite last value', async () => {
    await expect(
      harness.sqlExec(`UPDATE alert_rule_state SET last_value = 'NaN' WHERE rule_id = 'a'`),
    ).rejects.toThrow('alert_rule_state_last_value_finite');
  });

  it.each([
    ['["slack", "slack"]', 'a channel twice'],
    ['["slack", "email", "slack"]', 'more channels than the catalogue has'],
  ])('notification_channels %s (%s)', async (channels) => {
    await expect(
      harness.sqlExec(`UPDATE alert_rules SET notification_channels = '${channels}' WHERE id = 'a'`),
    ).rejects.toThrow('alert_rules_notification_channels_check');
  });

  it('accepts each channel once, in either order', async () => {
    for (const channels of ['["slack"]', '["email"]', '["slack", "email"]', '["email", "slack"]']) {
      await harness.sqlExec(`UPDATE alert_rules SET notification_channels = '${channels}' WHERE id = 'a'`);
    }
    const { rows } = await harness.sqlExec(`SELECT notification_channels FROM alert_rules WHERE id = 'a'`);
    expect(rows[0]?.notification_channels).toEqual(['email', 'slack']);
  });

  it('and the rules validation says so before the database does', () => {
    const rule = {
      id: 'r',
      name: 'R',
      metric_name: 'error_rate',
      condition: '>',
      threshold: 1,
      severity: 'info',
    };
    expect(() =>
      parseRuleColumns({ ...rule, notification_channels: Array.from({ length: 21_000 }, () => 'slack') }),
    ).toThrow('notification_channels: each of slack, email at most once');
    expect(() => parseRuleColumns({ ...rule, threshold: Number.POSITIVE_INFINITY })).toThrow(
      'threshold: got Infinity, expected a finite number',
    );
    expect(() => parseRuleColumns({ ...rule, threshold: Number.NaN })).toThrow(
      'threshold: got NaN, expected a finite number',
    );
  });
});
