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

  it("keeps a gauge's highest value of each minute, one value per document", () => {
    // Prepare
    output = captureOutput();
    vi.setSystemTime(at('10:00:05'));
    const metrics = aggregator();

    // Act: three readings in one minute, two in the next
    for (const inUse of [1, 3, 2]) metrics.highest('db_connections_active', 'Count', inUse, {});
    vi.setSystemTime(at('10:01:05'));
    for (const inUse of [1, 1]) metrics.highest('db_connections_active', 'Count', inUse, {});
    vi.setSystemTime(at('10:02:00'));
    metrics.flushIfDue();

    // Assess
    expect(output.emf().map((document) => [timestampOf(document), document.db_connections_active])).toEqual([
      [at('10:00:00'), 3],
      [at('10:01:00'), 1],
    ]);
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
    // Prepare: a flush at 10:00:30 writes the open minute (the log-bytes benchmark flushes so).
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

  describe('at a 5xx', () => {
    const serverError = { ...ok, status_code: '500' };
    /** One request as withObservability records it: its duration, then the flush a 5xx asks for. */
    const request = (metrics: MetricAggregator, dimensions: Record<string, string>, seconds = 0.01) => {
      metrics.add('http_request_duration_seconds', 'Seconds', seconds, dimensions);
      if (Number(dimensions.status_code) >= 500) metrics.flushForError(dimensions);
    };
    /** Requests a document counts: its durations (CloudWatch's SampleCount). */
    const requestsIn = (document: Record<string, unknown>) => {
      const durations = document.http_request_duration_seconds;
      return Array.isArray(durations) ? durations.length : 1;
    };
    const published = () =>
      output
        .emf()
        .map((document) => [
          document.endpoint,
          document.status_code,
          requestsIn(document),
          timestampOf(document),
        ]);

    it('publishes its own series at once and leaves a pending 2xx of the same minute until the minute closes', () => {
      // Prepare
      output = captureOutput();
      vi.setSystemTime(at('10:00:05'));
      const metrics = aggregator();
      request(metrics, ok, 0.012);

      // Act
      request(metrics, serverError, 0.25);
      metrics.flushIfDue();
      const atTheError = output.emf();
      vi.setSystemTime(at('10:00:59.999'));
      metrics.flushIfDue();
      const beforeTheMinuteCloses = published();
      vi.setSystemTime(at('10:01:00'));
      metrics.flushIfDue();

      // Assess
      expect(atTheError).toEqual([
        expect.objectContaining({
          ...serverError,
          http_request_duration_seconds: 0.25,
        }),
      ]);
      expect(timestampOf(atTheError[0] ?? {})).toBe(at('10:00:00'));
      expect(beforeTheMinuteCloses).toEqual([['/api/events', '500', 1, at('10:00:00')]]);
      expect(output.emf()[1]).toMatchObject({
        ...ok,
        http_request_duration_seconds: 0.012,
      });
      expect(published()).toEqual([
        ['/api/events', '500', 1, at('10:00:00')],
        ['/api/events', '200', 1, at('10:00:00')],
      ]);
      expect(metrics.pendingSeries).toBe(0);
    });

    it('publishes at most once every 5 s: a 5xx held back goes alone at the first invocation after them', () => {
      // Prepare
      output = captureOutput();
      vi.setSystemTime(at('10:00:05'));
      const metrics = aggregator();
      request(metrics, ok);
      request(metrics, serverError);
      metrics.flushIfDue();
      const afterTheFirst = published();

      // Act: a second 5xx 2 s later waits, also at 10:00:09.9; a 2xx at 10:00:10.2 ends after the 5 s.
      vi.setSystemTime(at('10:00:07'));
      request(metrics, ok);
      request(metrics, serverError);
      metrics.flushIfDue();
      vi.setSystemTime(at('10:00:09.900'));
      request(metrics, ok);
      metrics.flushIfDue();
      const withinTheLimit = published();
      vi.setSystemTime(at('10:00:10.200'));
      request(metrics, ok);
      metrics.flushIfDue();
      const afterTheLimit = published();
      vi.setSystemTime(at('10:01:00'));
      metrics.flushIfDue();

      // Assess: each 5xx is its own document; the 2xx of the minute wait for it to close, in one document.
      expect(afterTheFirst).toEqual([['/api/events', '500', 1, at('10:00:00')]]);
      expect(withinTheLimit).toEqual(afterTheFirst);
      expect(afterTheLimit).toEqual([
        ['/api/events', '500', 1, at('10:00:00')],
        ['/api/events', '500', 1, at('10:00:00')],
      ]);
      expect(published()).toEqual([...afterTheLimit, ['/api/events', '200', 4, at('10:00:00')]]);
      expect(metrics.pendingSeries).toBe(0);
    });

    it("publishes route A's 5xx without route B's pending series or route A's other statuses", () => {
      // Prepare
      output = captureOutput();
      vi.setSystemTime(at('10:00:05'));
      const metrics = aggregator();
      const routeB = { endpoint: '/api/signups', method: 'POST', status_code: '201' };
      request(metrics, routeB);
      request(metrics, ok);
      metrics.add('db_query_duration_seconds', 'Seconds', 0.002, { query_type: 'select' });

      // Act
      request(metrics, { ...ok, status_code: '503' });
      metrics.flushIfDue();

      // Assess
      expect(published()).toEqual([['/api/events', '503', 1, at('10:00:00')]]);
      expect(metrics.pendingSeries).toBe(3);
    });

    it('publishes every 5xx series that waited, each in its own document, once the 5 s have passed', () => {
      // Prepare: route A's 5xx is published; route B's 5xx and a second one of route A come within the 5 s.
      output = captureOutput();
      vi.setSystemTime(at('10:00:05'));
      const metrics = aggregator();
      const routeBError = { endpoint: '/api/signups', method: 'POST', status_code: '502' };
      request(metrics, serverError);
      vi.setSystemTime(at('10:00:08'));
      request(metrics, routeBError);
      request(metrics, serverError);
      request(metrics, ok);
      metrics.flushIfDue();

      // Act
      vi.setSystemTime(at('10:00:10.100'));
      metrics.flushIfDue();

      // Assess
      expect(published()).toEqual([
        ['/api/events', '500', 1, at('10:00:00')],
        ['/api/signups', '502', 1, at('10:00:00')],
        ['/api/events', '500', 1, at('10:00:00')],
      ]);
      expect(metrics.pendingSeries).toBe(1);
    });

    it('leaves a held 5xx to its bucket when the minute closes first: stamped with its minute, written once', () => {
      // Prepare: a 5xx at 10:00:59.5 is published; one at 10:00:59.8 waits for the 5 s to pass.
      output = captureOutput();
      vi.setSystemTime(at('10:00:59.500'));
      const metrics = aggregator();
      request(metrics, serverError);
      vi.setSystemTime(at('10:00:59.800'));
      request(metrics, serverError);
      metrics.flushIfDue();

      // Act
      vi.setSystemTime(at('10:01:00.100'));
      request(metrics, ok);
      metrics.flushIfDue();
      vi.setSystemTime(at('10:01:04.600'));
      metrics.flushIfDue();

      // Assess
      expect(published()).toEqual([
        ['/api/events', '500', 1, at('10:00:00')],
        ['/api/events', '500', 1, at('10:00:00')],
      ]);
      expect(metrics.pendingSeries).toBe(1);
    });

    it('still publishes everything at shutdown: a held 5xx and every other pending series, each in its minute', () => {
      // Prepare
      output = captureOutput();
      vi.setSystemTime(at('10:00:50'));
      const metrics = aggregator();
      request(metrics, ok);
      vi.setSystemTime(at('10:01:05'));
      request(metrics, ok);
      request(metrics, serverError);
      vi.setSystemTime(at('10:01:05.500'));
      request(metrics, serverError);
      output.clear();

      // Act
      metrics.flush();

      // Assess
      expect(published()).toEqual([
        ['/api/events', '200', 1, at('10:00:00')],
        ['/api/events', '200', 1, at('10:01:00')],
        ['/api/events', '500', 1, at('10:01:00')],
      ]);
      expect(metrics.pendingSeries).toBe(0);
    });
  });

  it('writes nothing when nothing was recorded', () => {
    output = captureOutput();

    aggregator(0).flush();

    expect(output.text()).toBe('');
  });
});
