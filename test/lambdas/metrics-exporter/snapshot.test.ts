import { describe, expect, it } from 'vitest';
import {
  MAX_SNAPSHOT_BYTES,
  parseSnapshot,
  snapshotAgeSeconds,
} from '../../../lambdas/metrics-exporter/snapshot';
import { realisticSnapshot } from '../../fixtures/metrics-snapshot';

function withFamily(family: unknown): string {
  return JSON.stringify({ ...realisticSnapshot(), families: [family] });
}

const counter = { name: 'http_requests_total', help: 'Requests.', type: 'counter', samples: [] };

describe('parsing the snapshot the evaluator wrote', () => {
  it('accepts the contract shape as it is', () => {
    // Prepare
    const snapshot = realisticSnapshot(new Date('2026-11-30T05:00:30Z'));

    // Act
    const parsed = parseSnapshot(JSON.stringify(snapshot));

    // Assess
    expect(parsed).toEqual({ ok: true, snapshot });
  });

  it.each([
    ['not JSON', '{"version":1,', 'not JSON'],
    ['another version', JSON.stringify({ ...realisticSnapshot(), version: 2 }), 'version'],
    ['no generatedAt', JSON.stringify({ ...realisticSnapshot(), generatedAt: undefined }), 'generatedAt'],
    [
      'a refresh interval below a minute',
      JSON.stringify({ ...realisticSnapshot(), refreshSeconds: 5 }),
      'refreshSeconds',
    ],
    [
      'a refresh interval that is not whole seconds',
      JSON.stringify({ ...realisticSnapshot(), refreshSeconds: 300.5 }),
      'refreshSeconds',
    ],
    [
      'a metric name Prometheus rejects',
      withFamily({ ...counter, name: 'http requests' }),
      'families.0.name',
    ],
    [
      'a label name Prometheus rejects',
      withFamily({ ...counter, samples: [{ labels: { 'end-point': '/x' }, value: 1 }] }),
      'families.0.samples.0.labels',
    ],
    [
      'a reserved label name',
      withFamily({ ...counter, samples: [{ labels: { __name__: 'x' }, value: 1 }] }),
      'families.0.samples.0.labels',
    ],
    [
      'a value that is not a number',
      withFamily({ ...counter, samples: [{ labels: {}, value: '1' }] }),
      'families.0.samples.0.value',
    ],
    [
      '_sum on a counter',
      withFamily({ ...counter, samples: [{ labels: {}, value: 1, suffix: '_sum' }] }),
      'families.0',
    ],
    ['an unknown type', withFamily({ ...counter, type: 'histogram' }), 'families.0.type'],
    ['a family twice', JSON.stringify({ ...realisticSnapshot(), families: [counter, counter] }), 'families'],
  ])('refuses %s, naming where', (_case, text, where) => {
    // Act
    const parsed = parseSnapshot(text);

    // Assess
    expect(parsed.ok).toBe(false);
    expect(parsed.ok === false && parsed.reason).toContain(where);
  });

  it('refuses a value larger than the bound before parsing it', () => {
    // Prepare
    const text = `{"version":1,"pad":"${'x'.repeat(MAX_SNAPSHOT_BYTES)}"}`;

    // Act
    const parsed = parseSnapshot(text);

    // Assess
    expect(parsed).toEqual({ ok: false, reason: `larger than ${MAX_SNAPSHOT_BYTES} bytes` });
  });

  it('counts the age from generatedAt, and a clock running ahead as 0', () => {
    // Prepare
    const snapshot = realisticSnapshot(new Date('2026-11-30T05:00:00Z'));

    // Act
    const ages = [
      snapshotAgeSeconds(snapshot, new Date('2026-11-30T05:03:01Z')),
      snapshotAgeSeconds(snapshot, new Date('2026-11-30T04:59:50Z')),
    ];

    // Assess
    expect(ages).toEqual([181, 0]);
  });
});
