import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  isBigintText,
  isCursorTimestamp,
} from '../../../lambdas/api/event-cursor';

describe('event cursors', () => {
  it('decodes every cursor it encodes to the same position', () => {
    // Prepare
    const positions = [
      { startsAt: '2026-12-05T10:00:00.123456Z', id: '42' },
      { startsAt: '0001-01-01T00:00:00.000000Z', id: '-9223372036854775808' },
      { startsAt: '9999-12-31T23:59:59.999999Z', id: '9223372036854775807' },
      { startsAt: '2024-02-29T12:00:00.000001Z', id: '0' },
    ];

    // Act
    const decoded = positions.map((position) => decodeCursor(encodeCursor(position)));

    // Assess
    expect(decoded).toEqual(positions);
  });

  it.each([
    ['2100-02-29T00:00:00.000000Z', false], // not a leap year (divisible by 100)
    ['2000-02-29T00:00:00.000000Z', true], // a leap year (divisible by 400)
    ['2026-04-31T00:00:00.000000Z', false],
    ['2026-12-05T10:60:00.000000Z', false],
    ['2026-12-05T10:00:60.000000Z', false],
    ['2026-12-05 10:00:00.000000Z', false],
    ['2026-12-05T10:00:00.000000+', false],
    ['٢٠٢٦-12-05T10:00:00.000000Z', false],
  ])('judges %s as a cursor time: %s', (text, accepted) => {
    expect(isCursorTimestamp(text)).toBe(accepted);
  });

  it.each([
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['-9223372036854775808', true],
    ['-9223372036854775809', false],
    ['-0', false],
    ['+1', false],
    ['1e3', false],
    ['', false],
    ['-', false],
  ])('judges %s as a bigint: %s', (text, accepted) => {
    expect(isBigintText(text)).toBe(accepted);
  });
});
