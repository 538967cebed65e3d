import { describe, expect, it } from 'vitest';
import { durationValues } from '../../bench/log-bytes';

const emf = (metrics: { Name: string; Unit: string }[], values: Record<string, unknown>) =>
  JSON.stringify({
    _aws: {
      Timestamp: 0,
      CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['service']], Metrics: metrics }],
    },
    service: 'signupflow',
    ...values,
  });

describe('the log-bytes benchmark', () => {
  it('counts the duration samples of EMF documents and the bytes they print as, one separator each', () => {
    // Prepare: an array of two durations beside a gauge, and a single duration
    const lines = [
      emf(
        [
          { Name: 'db_connections_active', Unit: 'Count' },
          { Name: 'http_request_duration_seconds', Unit: 'Seconds' },
        ],
        { db_connections_active: 2, http_request_duration_seconds: [0, 0.012] },
      ),
      emf([{ Name: 'db_query_duration_seconds', Unit: 'Seconds' }], { db_query_duration_seconds: 0.004 }),
    ];
    // Act
    const durations = durationValues(lines);
    // Assess: `0,` `0.012,` `0.004,`
    expect(durations).toEqual({ count: 3, bytes: 2 + 6 + 6 });
  });
});
