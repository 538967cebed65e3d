import { describe, expect, it } from 'vitest';
import type { HealthReport } from '../../../lambdas/health/health-check';
import { RecentCheck } from '../../../lambdas/health/recent-check';

function reportAt(timestamp: string, healthy = true): HealthReport {
  return { healthy, timestamp, components: [] };
}

describe('RecentCheck', () => {
  it('reuses a report, failed ones too, until it is maxAge old, with its age', async () => {
    // Prepare
    let clock = 0;
    let runs = 0;
    const checks = new RecentCheck(
      async () => reportAt(`check ${++runs}`, false),
      5_000,
      () => clock,
    );

    // Act
    const first = await checks.recent();
    clock = 4_999;
    const reused = await checks.recent();
    clock = 5_000;
    const renewed = await checks.recent();

    // Assess
    expect(first).toEqual({ report: reportAt('check 1', false), ageMs: 0 });
    expect(reused).toEqual({ report: reportAt('check 1', false), ageMs: 4_999 });
    expect(renewed).toEqual({ report: reportAt('check 2', false), ageMs: 0 });
  });

  it('shares one check among concurrent callers, and fresh() always checks anew', async () => {
    // Prepare
    let runs = 0;
    const checks = new RecentCheck(
      async () => reportAt(`check ${++runs}`),
      5_000,
      () => 0,
    );

    // Act
    const concurrent = await Promise.all([checks.recent(), checks.recent(), checks.recent()]);
    const fresh = await checks.fresh();
    const afterFresh = await checks.recent();

    // Assess
    expect(concurrent.map(({ report }) => report.timestamp)).toEqual(['check 1', 'check 1', 'check 1']);
    expect(fresh.timestamp).toBe('check 2');
    expect(afterFresh.report.timestamp).toBe('check 2');
  });

  it('checks every time when maxAge is 0', async () => {
    // Prepare
    let runs = 0;
    const checks = new RecentCheck(
      async () => reportAt(`check ${++runs}`),
      0,
      () => 0,
    );

    // Act
    await checks.recent();
    const second = await checks.recent();

    // Assess
    expect(second.report.timestamp).toBe('check 2');
  });
});
