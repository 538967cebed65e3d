import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertMessage } from '../../../lambdas/shared/alert-message';
import { LocalAlertPublisher } from '../../../scripts/local-server/local-alert-publisher';
import { snsEvent } from '../../lambdas/slack-notifier/fixtures';

const firing = JSON.parse(
  snsEvent('evaluator-critical-firing').Records[0]?.Sns.Message ?? '',
) as AlertMessage;

const queued = (id: number, message: unknown) => ({ id, ruleId: 'r', kind: 'FIRING' as const, message });

describe('the local loop without SLACK_WEBHOOK_URL: alerts on the console', () => {
  beforeEach(() => vi.stubEnv('SLACK_WEBHOOK_URL', ''));
  afterEach(() => vi.unstubAllEnvs());

  it("prints each alert as one line: its state, then the Slack message's own text, its value rounded", async () => {
    // Prepare
    const lines: string[] = [];
    const publisher = new LocalAlertPublisher((line) => lines.push(line));
    const resolved = {
      ...firing,
      state: 'RESOLVED',
      currentValue: 0,
      resolvedAt: '2026-11-29T14:20:00Z',
    } satisfies AlertMessage;

    // Act
    const outcomes = [
      await publisher.publish(queued(1, { ...firing, currentValue: 49.557522123893804 })),
      await publisher.publish(queued(2, resolved)),
    ];

    // Assess
    expect(outcomes).toEqual([{ ok: true }, { ok: true }]);
    expect(lines).toEqual([
      'alert FIRING   🚨 CRITICAL: High error rate: error_rate is 49.558%, threshold error_rate > 10% over 5 min (signupflow production)',
      'alert RESOLVED ✅ RESOLVED: High error rate: fired for 28 min, error_rate now 0% (signupflow production)',
    ]);
  });

  it('refuses a message that is not an alert for good, naming why, and prints nothing', async () => {
    // Prepare
    const lines: string[] = [];
    const publisher = new LocalAlertPublisher((line) => lines.push(line));

    // Act
    const outcome = await publisher.publish(queued(7, { ...firing, severity: 'apocalyptic' }));

    // Assess
    expect(outcome).toEqual({
      ok: false,
      permanent: true,
      error: 'not an alert message: the schema refused severity',
    });
    expect(lines).toEqual([]);
  });
});
