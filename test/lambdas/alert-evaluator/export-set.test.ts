import { describe, expect, it } from 'vitest';
import { exportQueries } from '../../../lambdas/alert-evaluator/export/export-set';
import { DEPLOYMENT } from './evaluator-harness';

describe('the export set', () => {
  it('asks for latency quantiles of successful requests only, and no count the request counter already has', () => {
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
    const latency = queries.flatMap((query) =>
      query.use.kind === 'latency' ? [`${query.use.labels.status_code} ${query.use.stat}`] : [],
    );
    expect(latency).toEqual(['200 p50', '200 p90', '200 p99', '200 Sum', '500 Sum']);
  });

  it('skips series of another service and series without their dimensions', () => {
    const queries = exportQueries(
      [
        {
          metricName: 'http_requests_total',
          dimensions: { service: 'other', endpoint: '/x', method: 'GET', status_code: '200' },
        },
        { metricName: 'http_requests_total', dimensions: { service: 'signupflow', endpoint: '/x' } },
      ],
      { ...DEPLOYMENT, functionNames: {}, deadLetterQueueName: undefined },
    );
    expect(queries.map((query) => query.use.kind)).toEqual(['health', 'health']);
  });
});
