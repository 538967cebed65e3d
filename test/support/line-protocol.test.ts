import { describe, expect, it } from 'vitest';
import { LineProtocolError, parseLineProtocol } from './line-protocol';

const NOW_NS = 1_800_000_000_000_000_000n;

describe('line protocol parser of the InfluxDB stand-in', () => {
  it('reads escaped measurement, tag and field names, every field type and the precision', () => {
    // Prepare
    const body = [
      '# a comment line',
      '',
      'my\\ measure\\,ment,tag\\=key=a\\ b\\,c field\\ key=1.5e3,n=-7i,u=8u,s="x \\"y\\" \\\\ z",b=F 1764478800',
      '  cpu v=1  ',
    ].join('\n');

    // Act
    const [first, second] = parseLineProtocol(body, 's', NOW_NS);

    // Assess
    expect(first).toEqual({
      measurement: 'my measure,ment',
      tags: { 'tag=key': 'a b,c' },
      fields: { 'field key': 1500, n: -7, u: 8, s: 'x "y" \\ z', b: false },
      fieldTypes: { 'field key': 'float', n: 'integer', u: 'uinteger', s: 'string', b: 'boolean' },
      timestampNs: 1_764_478_800_000_000_000n,
    });
    expect(second).toMatchObject({ measurement: 'cpu', fields: { v: 1 }, timestampNs: NOW_NS });
  });

  it.each([
    ['ns', 5n],
    ['us', 5_000n],
    ['ms', 5_000_000n],
    ['s', 5_000_000_000n],
  ] as const)('turns a timestamp in %s into nanoseconds', (precision, expected) => {
    // Act
    const [point] = parseLineProtocol('m v=1 5', precision, NOW_NS);

    // Assess
    expect(point?.timestampNs).toBe(expected);
  });

  it.each([
    ['no fields', 'cpu,host=a'],
    ['a field without a value', 'cpu v= 1'],
    ['a number that is none', 'cpu v=0x10 1'],
    ['an integer with a fraction', 'cpu v=1.5i 1'],
    ['an unterminated string', 'cpu v="open 1'],
    ['a tag without a value', 'cpu,host v=1 1'],
    ['a timestamp that is no integer', 'cpu v=1 12:00'],
    ['text after the timestamp', 'cpu v=1 1 2'],
  ])('refuses %s, naming the line', (_case, line) => {
    // Act
    const parse = () => parseLineProtocol(`ok v=1 1\n${line}`, 'ns', NOW_NS);

    // Assess
    expect(parse).toThrow(LineProtocolError);
    expect(parse).toThrow(/line 2/);
  });
});
