import { describe, expect, it } from 'vitest';
import {
  evaluateRule,
  initialMemory,
  type RuleMemory,
  type RuleState,
} from '../../../lambdas/alert-evaluator/evaluate-rule';
import {
  type AlertRule,
  parseRuleColumns,
  type TreatMissingData,
  toAlertRule,
} from '../../../lambdas/alert-evaluator/rule';

const NOW = new Date('2026-11-30T10:00:05Z');
const PERIOD_END = new Date('2026-11-30T10:00:00Z');

function rule(treatMissingData: TreatMissingData): AlertRule {
  return toAlertRule(
    parseRuleColumns({
      id: 'r',
      name: 'Rule',
      metric_name: 'latency_p99',
      condition: '>',
      threshold: 500,
      severity: 'warning',
      treat_missing_data: treatMissingData,
    }),
  );
}

/** The evaluation range newest first, as CloudWatch's documentation writes it: 0 good, X breaching, - missing. */
function observation(pattern: string) {
  const datapoints = pattern.split(' ').flatMap((symbol, index) => {
    if (symbol === '-') return [];
    const timestamp = new Date(PERIOD_END.getTime() - (index + 1) * 60_000);
    return [{ timestamp, value: symbol === 'X' ? 900 : 100 }];
  });
  return { ok: true as const, datapoints, periodEnd: PERIOD_END };
}

function stateAfter(policy: TreatMissingData, pattern: string, before: RuleState): string {
  const memory: RuleMemory = {
    ...initialMemory(NOW),
    state: before,
    episodeStartedAt: before === 'FIRING' ? NOW : null,
  };
  return evaluateRule(rule(policy), memory, observation(pattern), NOW).memory.state;
}

describe('3 of 3 over an evaluation range of 5, as CloudWatch treats missing data', () => {
  // Each row: datapoints newest first; the state reached from OK and from FIRING under each policy.
  it.each([
    // pattern        missing              ignore               breaching            notBreaching
    ['0 - X - X', ['OK', 'OK'], ['OK', 'OK'], ['OK', 'OK'], ['OK', 'OK']],
    ['0 - - - -', ['OK', 'OK'], ['OK', 'OK'], ['OK', 'OK'], ['OK', 'OK']],
    ['- - - - -', ['OK', 'FIRING'], ['OK', 'FIRING'], ['FIRING', 'FIRING'], ['OK', 'OK']],
    ['X X X - -', ['FIRING', 'FIRING'], ['FIRING', 'FIRING'], ['FIRING', 'FIRING'], ['FIRING', 'FIRING']],
    ['X - X - X', ['FIRING', 'FIRING'], ['FIRING', 'FIRING'], ['FIRING', 'FIRING'], ['PENDING', 'OK']],
    ['- - X - -', ['PENDING', 'FIRING'], ['PENDING', 'FIRING'], ['FIRING', 'FIRING'], ['OK', 'OK']],
  ])('%s', (pattern, missing, ignore, breaching, notBreaching) => {
    // Act
    const reached = (['missing', 'ignore', 'breaching', 'notBreaching'] as const).map((policy) => [
      stateAfter(policy, pattern, 'OK'),
      stateAfter(policy, pattern, 'FIRING'),
    ]);
    // Assess
    expect(reached).toEqual([missing, ignore, breaching, notBreaching]);
  });
});

describe('an evaluation that cannot read its metric', () => {
  it('keeps the state beneath, reports the error once and clears it with the next answer', () => {
    // Prepare
    const firing: RuleMemory = {
      ...initialMemory(NOW),
      state: 'FIRING',
      episodeStartedAt: NOW,
      announced: true,
      lastNotifiedAt: NOW,
    };
    const failed = { ok: false as const, error: 'CloudWatch answered PartialData' };
    // Act
    const first = evaluateRule(rule('missing'), firing, failed, NOW);
    const second = evaluateRule(rule('missing'), first.memory, failed, NOW);
    const recovered = evaluateRule(rule('missing'), second.memory, observation('X X X'), NOW);
    // Assess
    expect([first.newError, second.newError]).toEqual([true, false]);
    expect([first.memory.state, first.memory.error, first.notification]).toEqual([
      'FIRING',
      'CloudWatch answered PartialData',
      undefined,
    ]);
    expect([recovered.memory.state, recovered.memory.error, recovered.notification]).toEqual([
      'FIRING',
      null,
      undefined,
    ]);
  });
});
