import { describe, expect, it } from 'vitest';
import { exportQueries } from '../../../lambdas/alert-evaluator/export/export-set';
import { DEPLOYMENT } from './evaluator-harness';

describe('the export set', () => {
  it("asks each route for its request count (the durations' SampleCount), its sum, and quantiles of successes only", () => {
    // Prepare: the duration series of one route's 200s and 500s
    const route = { service: 'signupflow', endpoint: '/api/events', method: 'GET' };
    const series = ['200', '500'].map((status) => ({
      metricName: 'http_request_duration_seconds',
      dimensions: { ...route, status_code: status },
    }));
    // Act
    const queries = exportQueries(series, {
      ...DEPLOYMENT,
      functionNames: {},
      deadLetterQueueName: undefined,
    });
    // Assess
    const asked = queries.flatMap((query) =>
      query.use.kind === 'latency' || query.use.kind === 'requests'
        ? [
            `${query.use.kind} ${query.use.labels.status_code} ${query.query.kind === 'metric' && query.query.metric.stat}`,
          ]
        : [],
    );
    expect(asked).toEqual([
      'requests 200 SampleCount',
      'latency 200 p50',
      'latency 200 p90',
      'latency 200 p99',
      'latency 200 Sum',
      'requests 500 SampleCount',
      'latency 500 Sum',
    ]);
  });

  it('skips series of another service and series without their dimensions', () => {
    const queries = exportQueries(
      [
        {
          metricName: 'http_request_duration_seconds',
          dimensions: { service: 'other', endpoint: '/x', method: 'GET', status_code: '200' },
        },
        {
          metricName: 'http_request_duration_seconds',
          dimensions: { service: 'signupflow', endpoint: '/x' },
        },
      ],
      { ...DEPLOYMENT, functionNames: {}, deadLetterQueueName: undefined },
    );
    expect(queries.map((query) => query.use.kind)).toEqual(['health', 'health']);
  });
});
