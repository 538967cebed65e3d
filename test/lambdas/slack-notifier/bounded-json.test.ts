import { describe, expect, it } from 'vitest';
import { boundJson, cutString, type JsonBounds } from '../../../lambdas/slack-notifier/bounded-json';

const bounds: JsonBounds = {
  maxDepth: 3,
  maxStringChars: 10,
  maxTotalChars: 25,
  maxEntries: 2,
  maxNodes: 50,
};

describe('JSON bounded before it is scrubbed', () => {
  it('replaces containers deeper than the limit by a marker and says so', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}`);

    const bounded = boundJson(deep, bounds);

    expect(bounded.value).toEqual({ a: { a: { a: '… nested deeper than 3 levels' } } });
    expect(bounded.tooDeep).toBe(true);
  });

  it('cuts each string, then all strings together, and keeps every key', () => {
    const bounded = boundJson(
      { one: 'x'.repeat(100), two: 'y'.repeat(100) },
      { ...bounds, maxTotalChars: 15 },
    );

    expect(bounded.value).toEqual({ one: `${'x'.repeat(9)}…`, two: 'yyyy…' });
    expect(bounded.cut).toBe(true);
  });

  it('keeps the first entries of objects and arrays and counts the rest', () => {
    const bounded = boundJson({ list: [1, 2, 3, 4], a: 1, b: 2 }, bounds);

    expect(bounded.value).toEqual({ list: [1, 2, '… 2 more items'], a: 1, '…': '1 more fields' });
    expect(bounded.tooDeep).toBe(false);
  });

  it('leaves small JSON as it is', () => {
    const bounded = boundJson({ a: [1, 'b'], c: null }, bounds);

    expect(bounded).toEqual({ value: { a: [1, 'b'], c: null }, tooDeep: false, cut: false });
  });
});

describe('cutString', () => {
  it('never splits a surrogate pair', () => {
    expect(cutString(`abc${'🚨'.repeat(5)}`, 5)).toBe('abc…');
    expect(cutString(`abc${'🚨'.repeat(5)}`, 6)).toBe('abc🚨…');
    expect(cutString('abcdef', 6)).toBe('abcdef');
    expect(cutString('abcdefg', 4, '')).toBe('abcd');
  });
});
