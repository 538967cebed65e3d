import type { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Dimensions = Record<string, string>;

interface Series {
  dimensions: Dimensions;
  values: Map<string, { unit: Unit; values: number[] }>;
  /** Records a 5xx: published ahead of its minute, at once or when the limit (5 s) allows. */
  urgent?: boolean;
}

/** The samples of one bucket (one minute by default), by dimension set. */
type Bucket = Map<string, Series>;

/**
 * EMF accepts at most 100 values per metric in one document, and Powertools publishes by itself at the
 * 100th value, which would drop the dimensions of the metrics added after it: stay one below.
 */
const MAX_VALUES_PER_METRIC = 99;

/** CloudWatch's resolution for standard metrics: no bucket is wider, so no document spans two minutes. */
const MINUTE_MS = 60_000;

/**
 * A 5xx publishes its series ahead of its minute at most this often per environment. Each early publication
 * is one more document of about 360 bytes: at a 5% error rate, publishing at every 5xx was a large part of
 * the API function's log bill, and once a second still about a quarter of it. The stack's alarms and the
 * evaluator's error_rate read API Gateway's 5xx, not these; dashboards, /metrics and latency rules read
 * closed minutes. In a busy environment, the limit bounds what a crash right after a 5xx can lose to 5 s of
 * 5xx; in one going quiet, a held 5xx waits for the next invocation or shutdown, as the rest of its minute
 * does. Read by the cost model (scripts/cost/model.ts).
 */
export const ERROR_FLUSH_MIN_INTERVAL_MS = 5_000;

/**
 * Aggregates metric samples across invocations of one Lambda environment, in buckets of the minute each
 * sample was taken, and writes each bucket as EMF documents (one per dimension set, with value arrays)
 * stamped with that minute. At 100 requests/s a document per invocation would cost about 300 log bytes per
 * request; aggregated, the same metrics cost a few bytes.
 *
 * `flushIfDue()` (the end of every invocation) publishes each bucket whose minute has closed, so a busy
 * environment is at most one minute behind and an idle one publishes its last minute at its next invocation
 * or at shutdown (`flush()` from the SIGTERM hook), still stamped with the minute it happened.
 * `flushIntervalMs` is the bucket width, at most a minute; 0 publishes everything at every `flushIfDue()`.
 *
 * `flushForError(dimensions)` (a 5xx) publishes the series of the 5xx's own dimension set at once and leaves
 * every other series in its bucket, unless a 5xx was published less than `errorFlushMinIntervalMs` ago: then
 * the first `flushIfDue()` after that interval publishes the 5xx series that waited, and only those.
 */
export class MetricAggregator {
  readonly #metrics: Metrics;
  readonly #bucketMs: number;
  readonly #now: () => number;
  readonly #errorFlushMinIntervalMs: number;
  /** By the start of the bucket's interval (epoch milliseconds), oldest first. */
  readonly #buckets = new Map<number, Bucket>();
  #lastErrorFlushAt = Number.NEGATIVE_INFINITY;

  constructor(
    metrics: Metrics,
    options: { flushIntervalMs: number; errorFlushMinIntervalMs?: number; now?: () => number },
  ) {
    this.#metrics = metrics;
    this.#bucketMs = Math.min(Math.max(0, options.flushIntervalMs), MINUTE_MS);
    this.#errorFlushMinIntervalMs = Math.max(
      0,
      options.errorFlushMinIntervalMs ?? ERROR_FLUSH_MIN_INTERVAL_MS,
    );
    this.#now = options.now ?? (() => Date.now());
  }

  add(name: string, unit: Unit, value: number, dimensions: Dimensions): void {
    const start = this.#bucketStart(this.#now());
    const key = JSON.stringify(dimensions);
    const series = this.#seriesOf(start, key, dimensions);
    let metric = series.values.get(name);
    if (!metric) {
      metric = { unit, values: [] };
      series.values.set(name, metric);
    }
    metric.values.push(value);
    if (metric.values.length >= MAX_VALUES_PER_METRIC) {
      this.#buckets.get(start)?.delete(key);
      this.#publish(start, series);
    }
  }

  /** Adds to a counter: one value per document, so CloudWatch's Sum statistic is the count. */
  count(name: string, dimensions: Dimensions, increment = 1): void {
    const start = this.#bucketStart(this.#now());
    const counter = this.#buckets.get(start)?.get(JSON.stringify(dimensions))?.values.get(name);
    if (counter?.values.length === 1 && counter.values[0] !== undefined) {
      counter.values[0] += increment;
      return;
    }
    this.add(name, 'Count', increment, dimensions);
  }

  /**
   * Records a gauge as the highest value of its minute: one value per document, so CloudWatch's Maximum
   * reads as it would from every sample, without a value (and its share of a document) per call.
   */
  highest(name: string, unit: Unit, value: number, dimensions: Dimensions): void {
    const start = this.#bucketStart(this.#now());
    const gauge = this.#buckets.get(start)?.get(JSON.stringify(dimensions))?.values.get(name);
    if (gauge?.values.length === 1 && gauge.values[0] !== undefined) {
      gauge.values[0] = Math.max(gauge.values[0], value);
      return;
    }
    this.add(name, unit, value, dimensions);
  }

  /** Dimension sets waiting to be published, summed over the pending buckets. */
  get pendingSeries(): number {
    let pending = 0;
    for (const bucket of this.#buckets.values()) pending += bucket.size;
    return pending;
  }

  /**
   * After a 5xx recorded with `dimensions`: publishes that series now (in every pending bucket, each stamped
   * with its minute), or at the first `flushIfDue()` once the minimum interval has passed. Other series wait.
   */
  flushForError(dimensions: Dimensions): void {
    const key = JSON.stringify(dimensions);
    for (const bucket of this.#buckets.values()) {
      const series = bucket.get(key);
      if (series) series.urgent = true;
    }
    if (this.#errorFlushDue()) this.#publishUrgent();
  }

  /** Publishes every bucket whose interval has closed, and the 5xx series that waited for the limit. */
  flushIfDue(): void {
    if (this.#errorFlushDue()) this.#publishUrgent();
    const open = this.#bucketMs === 0 ? Number.POSITIVE_INFINITY : this.#bucketStart(this.#now());
    for (const start of [...this.#buckets.keys()]) if (start < open) this.#publishBucket(start);
  }

  /** Publishes every bucket, the open one included: at shutdown. */
  flush(): void {
    for (const start of [...this.#buckets.keys()]) this.#publishBucket(start);
  }

  #errorFlushDue(): boolean {
    return this.#now() - this.#lastErrorFlushAt >= this.#errorFlushMinIntervalMs;
  }

  /** The 5xx series of every bucket, each in its own document; the limit restarts when one was written. */
  #publishUrgent(): void {
    for (const [start, bucket] of this.#buckets) {
      for (const [key, series] of bucket) {
        if (!series.urgent) continue;
        bucket.delete(key);
        this.#publish(start, series);
        this.#lastErrorFlushAt = this.#now();
      }
      if (bucket.size === 0) this.#buckets.delete(start);
    }
  }

  #bucketStart(time: number): number {
    const width = this.#bucketMs === 0 ? MINUTE_MS : this.#bucketMs;
    return time - (time % width);
  }

  #seriesOf(start: number, key: string, dimensions: Dimensions): Series {
    let bucket = this.#buckets.get(start);
    if (!bucket) {
      bucket = new Map();
      this.#buckets.set(start, bucket);
    }
    let series = bucket.get(key);
    if (!series) {
      series = { dimensions, values: new Map() };
      bucket.set(key, series);
    }
    return series;
  }

  #publishBucket(start: number): void {
    const bucket = this.#buckets.get(start);
    this.#buckets.delete(start);
    for (const series of bucket?.values() ?? []) this.#publish(start, series);
  }

  /** One EMF document: Powertools clears the timestamp, dimensions and metrics once it has written it. */
  #publish(start: number, series: Series): void {
    this.#metrics.setTimestamp(start);
    this.#metrics.addDimensions(series.dimensions);
    for (const [name, { unit, values }] of series.values) {
      for (const value of values) this.#metrics.addMetric(name, unit, value);
    }
    this.#metrics.publishStoredMetrics();
  }
}
