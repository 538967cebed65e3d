import { describe, expect, it } from 'vitest';
import { type Check, ok } from '../../../scripts/verify/check';
import { runChecks } from '../../../scripts/verify/run-checks';

const never = (): Promise<never> => new Promise(() => undefined);
const after = <T>(ms: number, value: T): Promise<T> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('runChecks', () => {
  it('fails a check that ignores its signal and never settles, at its timeout, with its own fix', async () => {
    // Prepare
    let aborted = false;
    const hung: Check = {
      name: 'Hung',
      fix: 'restart the hung thing',
      run: (signal) => {
        signal.addEventListener('abort', () => {
          aborted = true;
        });
        return never();
      },
    };
    const startedAt = performance.now();

    // Act
    const [outcome] = await runChecks([hung], 300);

    // Assess
    const elapsed = performance.now() - startedAt;
    expect(outcome).toMatchObject({
      name: 'Hung',
      status: 'failed',
      detail: 'no answer within 0.3 s',
      fix: 'restart the hung thing',
    });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
    expect(aborted).toBe(true);
  });

  it('runs the checks concurrently and keeps their order', async () => {
    // Prepare
    const slow = (name: string, ms: number): Check => ({ name, fix: '-', run: () => after(ms, ok(name)) });
    const startedAt = performance.now();

    // Act
    const outcomes = await runChecks([slow('first', 400), slow('second', 200), slow('third', 400)], 2_000);

    // Assess
    expect(performance.now() - startedAt).toBeLessThan(800);
    expect(outcomes.map((outcome) => [outcome.name, outcome.status])).toEqual([
      ['first', 'ok'],
      ['second', 'ok'],
      ['third', 'ok'],
    ]);
  });

  it('reports a check that throws as failed, in safe words and with its fix, without its message', async () => {
    // Prepare
    const throwing: Check = {
      name: 'Throws',
      fix: 'the fix',
      run: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED db.internal:5432 password=hunter2'), {
          code: 'ECONNREFUSED',
        });
      },
    };

    // Act
    const [outcome] = await runChecks([throwing], 1_000);

    // Assess
    expect(outcome).toMatchObject({ status: 'failed', detail: 'connection refused', fix: 'the fix' });
  });
});
