import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MetricAggregator } from '../../../lambdas/shared/metric-aggregator';
import { type CapturedOutput, captureOutput } from '../../support/output';

const at = (time: string) => Date.parse(`2026-11-30T${time}Z`);
const timestampOf = (document: Record<string, unknown>) => (document._aws as { Timestamp: number }).Timestamp;

describe('MetricAggregator', () => {
  let output: CapturedOutput;
  const aggregator = (flushIntervalMs = 60_000) =>
    new MetricAggregator(new Metrics({ namespace: 'SignUpFlow/test', serviceName: 'signupflow' }), {
      flushIntervalMs,
    });
  const ok = { endpoint: '/api/events', method: 'GET', status_code: '200' };

  // Only Date is faked: Powertools validates EMF timestamps against the same clock the aggregator reads.
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => {
    output?.restore();
    vi.useRealTimers();
  });

  it('holds the samples of the open minute, then writes one document per dimension set stamped with that minute', () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:05'));
    const metrics = aggregator();
    const notFound = { ...ok, status_code: '404' };

    // Act
    for (const seconds of [0.012, 0.015, 0.011]) {
      metrics.count('http_requests_total', ok);
      metrics.add('http_request_duration_seconds', 'Seconds', seconds, ok);
    }
    metrics.count('http_requests_total', notFound);
    vi.setSystemTime(at('10:00:59.999'));
    metrics.flushIfDue();
    const beforeTheMinuteCloses = output.emf().length;
    vi.setSystemTime(at('10:01:00'));
    metrics.flushIfDue();

    // Assess
    expect(beforeTheMinuteCloses).toBe(0);
    expect(output.emf()).toEqual([
      expect.objectContaining({
        ...ok,
        http_requests_total: 3,
        http_request_duration_seconds: [0.012, 0.015, 0.011],
      }),
      expect.objectContaining({ ...notFound, http_requests_total: 1 }),
    ]);
    for (const document of output.emf()) expect(timestampOf(document)).toBe(at('10:00:00'));
    expect(metrics.pendingSeries).toBe(0);
  });

  it('stamps a sample of 10:00:10 with its own minute when the next invocation comes at 10:20', () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:10'));
    const metrics = aggregator();
    metrics.count('http_requests_total', ok);
    metrics.flushIfDue();

    // Act
    vi.setSystemTime(at('10:20:00'));
    metrics.count('http_requests_total', ok);
    metrics.flushIfDue();

    // Assess
    const [document, ...others] = output.emf();
    expect(others).toEqual([]);
    expect(document).toMatchObject({ ...ok, http_requests_total: 1 });
    expect(timestampOf(document ?? {})).toBeGreaterThanOrEqual(at('10:00:00'));
    expect(timestampOf(document ?? {})).toBeLessThan(at('10:01:00'));
    expect(output.text()).not.toContain("doesn't meet the requirements");
    expect(metrics.pendingSeries).toBe(1);
  });

  it('never merges the samples of two minutes into one document, also when everything is flushed at once', () => {
    // Prepare
    output = captureOutput();
    const metrics = aggregator();

    // Act
    vi.setSystemTime(at('10:00:50'));
    metrics.count('http_requests_total', ok);
    metrics.add('http_request_duration_seconds', 'Seconds', 0.1, ok);
    vi.setSystemTime(at('10:01:05'));
    metrics.count('http_requests_total', ok);
    metrics.count('http_requests_total', ok);
    metrics.add('http_request_duration_seconds', 'Seconds', 0.2, ok);
    metrics.flush();

    // Assess
    const documents = output.emf();
    expect(documents.map(timestampOf)).toEqual([at('10:00:00'), at('10:01:00')]);
    expect(documents[0]).toMatchObject({ http_requests_total: 1, http_request_duration_seconds: 0.1 });
    expect(documents[1]).toMatchObject({ http_requests_total: 2, http_request_duration_seconds: 0.2 });
  });

  it('keeps the samples taken after a flush in mid-minute until that minute closes', () => {
    // Prepare: a 5xx at 10:00:30 writes everything pending.
    output = captureOutput();
    const metrics = aggregator();
    vi.setSystemTime(at('10:00:30'));
    metrics.count('http_requests_total', ok);
    metrics.flush();
    output.clear();

    // Act
    vi.setSystemTime(at('10:00:40'));
    metrics.count('http_requests_total', ok);
    vi.setSystemTime(at('10:00:59'));
    metrics.flushIfDue();
    const beforeTheMinuteCloses = output.emf().length;
    vi.setSystemTime(at('10:01:00'));
    metrics.flushIfDue();

    // Assess
    expect(beforeTheMinuteCloses).toBe(0);
    expect(output.emf()).toEqual([expect.objectContaining({ http_requests_total: 1 })]);
    expect(timestampOf(output.emf()[0] ?? {})).toBe(at('10:00:00'));
  });

  it('with an interval of 0, writes every invocation at once, still stamped with its minute', () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:10'));
    const metrics = aggregator(0);

    // Act
    metrics.count('http_requests_total', ok);
    metrics.flushIfDue();

    // Assess
    expect(output.emf()).toEqual([expect.objectContaining({ http_requests_total: 1 })]);
    expect(timestampOf(output.emf()[0] ?? {})).toBe(at('10:00:00'));
  });

  it('writes a series early rather than exceed the 100 values EMF takes per metric, keeping its dimensions', () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:10'));
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
    for (const document of documents) {
      expect(document.query_type).toBe('select');
      expect(timestampOf(document)).toBe(at('10:00:00'));
    }
  });

  it('publishes at a 5xx at most once a second, and a 5xx held back at the first invocation after that second', () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:05'));
    const metrics = aggregator();
    const serverError = { ...ok, status_code: '500' };
    const published = () =>
      output.emf().map((document) => [document.status_code, document.http_requests_total]);

    // Act: a 5xx publishes at once; a second one 400 ms later waits; a 2xx at 10:00:06.2 takes both along.
    metrics.count('http_requests_total', ok);
    metrics.count('http_requests_total', serverError);
    metrics.flushForError();
    const afterTheFirst = published();
    vi.setSystemTime(at('10:00:05.400'));
    metrics.count('http_requests_total', ok);
    metrics.count('http_requests_total', serverError);
    metrics.flushForError();
    metrics.flushIfDue();
    const afterTheSecond = published();
    vi.setSystemTime(at('10:00:06.200'));
    metrics.count('http_requests_total', ok);
    metrics.flushIfDue();

    // Assess: the 5xx and the 2xx counts of the minute travel together each time.
    expect(afterTheFirst).toEqual([
      ['200', 1],
      ['500', 1],
    ]);
    expect(afterTheSecond).toEqual(afterTheFirst);
    expect(published()).toEqual([
      ['200', 1],
      ['500', 1],
      ['200', 2],
      ['500', 1],
    ]);
    expect(metrics.pendingSeries).toBe(0);
  });

  it('writes nothing when nothing was recorded', () => {
    output = captureOutput();

    aggregator(0).flush();

    expect(output.text()).toBe('');
  });
});
