import { describe, expect, it } from 'vitest';
import { exportEveryMinutes } from '../../../lambdas/alert-evaluator/export/export-settings';

describe('METRICS_EXPORT_EVERY_MINUTES', () => {
  it.each([
    [undefined, 5],
    ['1', 1],
    ['2', 2],
    ['5', 5],
    ['15', 15],
    ['60', 15],
    ['2.7', 2],
    ['0', 5],
    ['-3', 5],
    ['', 5],
    ['soon', 5],
  ])('reads %j as every %d minutes', (raw, minutes) => {
    // Act
    const read = exportEveryMinutes(raw);

    // Assess
    expect(read).toBe(minutes);
  });
});
