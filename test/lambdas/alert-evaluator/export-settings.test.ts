import { describe, expect, it } from 'vitest';
import { exportEveryMinutes } from '../../../lambdas/alert-evaluator/export/export-settings';
import { exportIntervalSeconds } from '../../../lambdas/alert-evaluator/export/run-export';

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

describe('how often an export happens: on the first run once enough minutes are pending', () => {
  it.each([
    [5, 60, 300],
    [5, 120, 360],
    [5, 240, 480],
    [1, 60, 60],
    [2, 3_600, 3_600],
  ])('every %d minutes with a run every %d s: every %d s', (everyMinutes, intervalSeconds, seconds) => {
    // Act
    const interval = exportIntervalSeconds(everyMinutes, intervalSeconds);

    // Assess
    expect(interval).toBe(seconds);
  });
});
