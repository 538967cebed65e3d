import { describe, expect, it } from 'vitest';
import { renderSnapshot } from '../../../lambdas/metrics-exporter/render-snapshot';
import type { MetricsSnapshot } from '../../../lambdas/shared/metrics-snapshot';
import { realisticSnapshot, sampleCount } from '../../fixtures/metrics-snapshot';
import { promtoolCheckMetrics } from '../../support/promtool';

function snapshotOf(families: MetricsSnapshot['families']): MetricsSnapshot {
  return { ...realisticSnapshot(), families };
}

describe('rendering the snapshot in Prometheus text format', () => {
  it('renders a realistic snapshot that promtool check metrics accepts without a lint warning', async () => {
    // Prepare
    const snapshot = realisticSnapshot();

    // Act
    const text = await renderSnapshot(snapshot);
    const verdict = await promtoolCheckMetrics(text);

    // Assess
    expect(sampleCount(snapshot)).toBeGreaterThanOrEqual(190);
    expect(verdict).toEqual({ exitCode: 0, output: '' });
    expect(text).toContain('# TYPE http_requests_total counter\n');
    expect(text).toContain(
      'http_requests_total{endpoint="/api/events/{id}",method="POST",status_code="500"} 2104\n',
    );
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders a summary as its quantile samples plus _sum and _count', async () => {
    // Prepare
    const snapshot = snapshotOf([
      {
        name: 'http_request_duration_seconds',
        help: 'Request latency by route template.',
        type: 'summary',
        samples: [
          { labels: { endpoint: '/health', quantile: '0.5' }, value: 0.012 },
          { labels: { endpoint: '/health', quantile: '0.99' }, value: 0.25 },
          { labels: { endpoint: '/health' }, value: 3.5, suffix: '_sum' },
          { labels: { endpoint: '/health' }, value: 120, suffix: '_count' },
        ],
      },
    ]);

    // Act
    const text = await renderSnapshot(snapshot);

    // Assess
    expect(text).toBe(
      [
        '# HELP http_request_duration_seconds Request latency by route template.',
        '# TYPE http_request_duration_seconds summary',
        'http_request_duration_seconds{endpoint="/health",quantile="0.5"} 0.012',
        'http_request_duration_seconds{endpoint="/health",quantile="0.99"} 0.25',
        'http_request_duration_seconds_sum{endpoint="/health"} 3.5',
        'http_request_duration_seconds_count{endpoint="/health"} 120',
        '',
      ].join('\n'),
    );
    expect((await promtoolCheckMetrics(text)).exitCode).toBe(0);
  });

  it('escapes quotes, backslashes and newlines in label values and help texts', async () => {
    // Prepare: a route template as outside text could make it
    const endpoint = '/api/"quoted"\\path\nnext line';
    const snapshot = snapshotOf([
      {
        name: 'http_requests_total',
        help: 'Requests\nby route \\ method',
        type: 'counter',
        samples: [{ labels: { endpoint, method: 'GET', status_code: '200' }, value: 7 }],
      },
    ]);

    // Act
    const text = await renderSnapshot(snapshot);
    const verdict = await promtoolCheckMetrics(text);

    // Assess
    expect(text).toBe(
      [
        '# HELP http_requests_total Requests\\nby route \\\\ method',
        '# TYPE http_requests_total counter',
        'http_requests_total{endpoint="/api/\\"quoted\\"\\\\path\\nnext line",method="GET",status_code="200"} 7',
        '',
      ].join('\n'),
    );
    expect(verdict).toEqual({ exitCode: 0, output: '' });
  });

  it('renders an empty snapshot as an empty exposition that promtool accepts', async () => {
    // Act
    const text = await renderSnapshot(snapshotOf([]));

    // Assess
    expect(text).toBe('\n');
    expect((await promtoolCheckMetrics(text)).exitCode).toBe(0);
  });
});
