import type { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];
type Dimensions = Record<string, string>;

interface Series {
  dimensions: Dimensions;
  values: Map<string, { unit: Unit; values: number[] }>;
}

/**
 * EMF accepts at most 100 values per metric in one document, and Powertools publishes by itself at the
 * 100th value, which would drop the dimensions of the metrics added after it: stay one below.
 */
const MAX_VALUES_PER_METRIC = 99;

/**
 * Aggregates metric samples across invocations of one Lambda environment and writes them as one EMF
 * document per dimension set, with value arrays, when a flush is due. At 100 requests/s a document per
 * invocation would cost about 300 log bytes per request; aggregated, the same metrics cost a few bytes.
 * The trade-off: samples wait up to `flushIntervalMs` before they reach CloudWatch, and the samples of an
 * environment that is reclaimed while idle are lost, so callers flush at once on errors.
 */
export class MetricAggregator {
  readonly #metrics: Metrics;
  readonly #flushIntervalMs: number;
  readonly #now: () => number;
  readonly #series = new Map<string, Series>();
  #lastFlush: number;

  constructor(metrics: Metrics, options: { flushIntervalMs: number; now?: () => number }) {
    this.#metrics = metrics;
    this.#flushIntervalMs = options.flushIntervalMs;
    this.#now = options.now ?? Date.now;
    this.#lastFlush = this.#now();
  }

  add(name: string, unit: Unit, value: number, dimensions: Dimensions): void {
    const key = JSON.stringify(dimensions);
    let series = this.#series.get(key);
    if (!series) {
      series = { dimensions, values: new Map() };
      this.#series.set(key, series);
    }
    let metric = series.values.get(name);
    if (!metric) {
      metric = { unit, values: [] };
      series.values.set(name, metric);
    }
    metric.values.push(value);
    if (metric.values.length >= MAX_VALUES_PER_METRIC) this.#publish(key, series);
  }

  /** Adds to a counter: one value per flush, so CloudWatch's Sum statistic is the count. */
  count(name: string, dimensions: Dimensions, increment = 1): void {
    const series = this.#series.get(JSON.stringify(dimensions));
    const counter = series?.values.get(name);
    if (counter?.values.length === 1 && counter.values[0] !== undefined) {
      counter.values[0] += increment;
      return;
    }
    this.add(name, 'Count', increment, dimensions);
  }

  get pendingSeries(): number {
    return this.#series.size;
  }

  flushIfDue(): void {
    if (this.#now() - this.#lastFlush >= this.#flushIntervalMs) this.flush();
  }

  flush(): void {
    for (const [key, series] of this.#series) this.#publish(key, series);
    this.#lastFlush = this.#now();
  }

  #publish(key: string, series: Series): void {
    this.#series.delete(key);
    this.#metrics.addDimensions(series.dimensions);
    for (const [name, { unit, values }] of series.values) {
      for (const value of values) this.#metrics.addMetric(name, unit, value);
    }
    this.#metrics.publishStoredMetrics();
  }
}
