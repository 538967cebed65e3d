import { describe, expect, it } from 'vitest';
import { buildAlertMessage } from '../../../lambdas/alert-evaluator/alert-notification';
import { initialMemory } from '../../../lambdas/alert-evaluator/evaluate-rule';
import { parseRuleColumns, toAlertRule } from '../../../lambdas/alert-evaluator/rule';
import { runbookUrl } from '../../../lib/runbook';

const NOW = new Date('2026-11-30T10:00:00Z');
const CONTEXT = { service: 'signupflow', stage: 'dev' };

function ruleWith(columns: Record<string, unknown>) {
  return toAlertRule(
    parseRuleColumns({
      id: 'slow_api',
      name: 'Slow API',
      metric_name: 'latency_p99',
      condition: '>',
      threshold: 500,
      severity: 'warning',
      ...columns,
    }),
  );
}

describe("an alert message's runbook link", () => {
  /** The message of a rule with these columns, firing at 812. */
  const firingMessage = (columns: Parameters<typeof ruleWith>[0]) =>
    buildAlertMessage(ruleWith(columns), { ...initialMemory(NOW), lastValue: 812 }, 'FIRING', NOW, CONTEXT);

  it("is the rule's own runbook_url when it has one", () => {
    const message = firingMessage({ runbook_url: 'https://wiki.example.org/slow-api' });

    expect(message.runbookUrl).toBe('https://wiki.example.org/slow-api');
  });

  it("is the runbook's section for other rules when the rule has none", () => {
    const message = firingMessage({});

    expect(message.runbookUrl).toBe(runbookUrl('otherRules'));
    expect(message.runbookUrl).toMatch(/docs\/MONITORING_RUNBOOK\.md#other-alert-rules$/);
  });
});
