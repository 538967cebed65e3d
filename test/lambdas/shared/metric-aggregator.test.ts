import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricAggregator } from '../../../lambdas/shared/metric-aggregator';
import { type CapturedOutput, captureOutput } from '../../support/output';

describe('MetricAggregator', () => {
  let output: CapturedOutput;
  let clock = 0;
  const aggregator = (flushIntervalMs = 60_000) =>
    new MetricAggregator(new Metrics({ namespace: 'SignUpFlow/test', serviceName: 'signupflow' }), {
      flushIntervalMs,
      now: () => clock,
    });

  afterEach(() => output?.restore());

  it('holds samples until the flush interval has passed, then writes one document per dimension set', () => {
    // Prepare
    output = captureOutput();
    clock = 0;
    const metrics = aggregator();
    const ok = { endpoint: '/api/events', method: 'GET', status_code: '200' };
    const notFound = { ...ok, status_code: '404' };

    // Act
    for (const seconds of [0.012, 0.015, 0.011]) {
      metrics.count('http_requests_total', ok);
      metrics.add('http_request_duration_seconds', 'Seconds', seconds, ok);
    }
    metrics.count('http_requests_total', notFound);
    clock = 59_999;
    metrics.flushIfDue();
    const beforeInterval = output.emf().length;
    clock = 60_000;
    metrics.flushIfDue();

    // Assess
    expect(beforeInterval).toBe(0);
    expect(output.emf()).toEqual([
      expect.objectContaining({
        ...ok,
        http_requests_total: 3,
        http_request_duration_seconds: [0.012, 0.015, 0.011],
      }),
      expect.objectContaining({ ...notFound, http_requests_total: 1 }),
    ]);
    expect(metrics.pendingSeries).toBe(0);
  });

  it('writes a series early rather than exceed the 100 values EMF takes per metric, keeping its dimensions', () => {
    // Prepare
    output = captureOutput();
    const metrics = aggregator();
    const dimensions = { query_type: 'select' };

    // Act
    for (let sample = 0; sample < 150; sample += 1) {
      metrics.add('db_query_duration_seconds', 'Seconds', sample / 1_000, dimensions);
    }
    metrics.flush();

    // Assess
    const documents = output.emf();
    expect(documents.map((document) => (document.db_query_duration_seconds as number[]).length)).toEqual([
      99, 51,
    ]);
    for (const document of documents) expect(document.query_type).toBe('select');
  });

  it('writes nothing when nothing was recorded', () => {
    output = captureOutput();

    aggregator(0).flush();

    expect(output.text()).toBe('');
  });
});
