import { describe, expect, it } from 'vitest';
import { renderStatusPage } from '../../../scripts/local-server/status-page';

describe('the status page: what became of the last notifications', () => {
  it('says which were refused for good and why, which wait, and which were dropped or given up', () => {
    // Prepare
    const at = new Date('2026-11-30T10:00:00Z');
    const alert = (
      outcome: 'published' | 'pending' | 'failed' | 'superseded' | 'expired',
      problem: string | null,
    ) => ({
      at,
      kind: 'FIRING',
      ruleName: `Rule ${outcome}`,
      outcome,
      problem,
    });
    // Act
    const page = renderStatusPage({
      generatedAt: at,
      rules: [],
      health: [],
      refreshSeconds: 15,
      alerts: [
        alert('published', null),
        alert('pending', 'InternalErrorException: <Service> unavailable'),
        alert('failed', 'InvalidParameterException: Invalid parameter: Message too long'),
        alert('superseded', null),
        alert('expired', null),
      ],
    });
    // Assess
    const lines = page.split('\n').filter((line) => line.startsWith('<li class="alert"'));
    expect(lines).toEqual([
      '<li class="alert" data-outcome="published">10:00:00 <strong>FIRING</strong> Rule published</li>',
      '<li class="alert" data-outcome="pending">10:00:00 <strong>FIRING</strong> Rule pending <span class="error">not delivered yet: InternalErrorException: &lt;Service&gt; unavailable</span></li>',
      '<li class="alert" data-outcome="failed">10:00:00 <strong>FIRING</strong> Rule failed <span class="error">refused for good, not retried: InvalidParameterException: Invalid parameter: Message too long</span></li>',
      '<li class="alert" data-outcome="superseded">10:00:00 <strong>FIRING</strong> Rule superseded <span class="error">dropped: a newer message replaced it</span></li>',
      '<li class="alert" data-outcome="expired">10:00:00 <strong>FIRING</strong> Rule expired <span class="error">given up: pending for 24 hours</span></li>',
    ]);
  });
});
