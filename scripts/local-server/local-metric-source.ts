import type { Datapoint, Observation } from '../../lambdas/alert-evaluator/evaluate-rule';
import type { DiscoveredSeries } from '../../lambdas/alert-evaluator/export/export-set';
import type { MetricQuery, MetricStat } from '../../lambdas/alert-evaluator/metric-catalogue';
import type { PlannedQuery } from '../../lambdas/alert-evaluator/metric-plan';
import { closedPeriodEnd, type MetricSource } from '../../lambdas/alert-evaluator/metric-source';

const MINUTE_MS = 60_000;
/** Minutes the store keeps: the longest evaluation range a rule may have at one-minute periods, and more. */
const KEPT_MINUTES = 120;

interface RequestSample {
  endpoint: string;
  method: string;
  statusCode: string;
  seconds: number;
}

/**
 * The local stand-in for CloudWatch: this process's API requests in minute buckets, answering the
 * evaluator's queries for API Gateway's `Count`, `5xx` and `Latency` and for `http_request_duration_seconds`
 * (whose SampleCount counts the requests), with the same statistics. Other metrics (Lambda, SQS, health) have no
 * data locally, which each rule's treatment of missing data decides about, as in AWS.
 */
export class LocalMetricSource implements MetricSource {
  readonly #minutes = new Map<number, RequestSample[]>();
  readonly #now: () => number;
  #calls = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  get calls(): number {
    return this.#calls;
  }

  record(sample: RequestSample): void {
    const minute = Math.floor(this.#now() / MINUTE_MS) * MINUTE_MS;
    const samples = this.#minutes.get(minute) ?? [];
    samples.push(sample);
    this.#minutes.set(minute, samples);
    for (const kept of this.#minutes.keys()) {
      if (kept < minute - KEPT_MINUTES * MINUTE_MS) this.#minutes.delete(kept);
    }
  }

  async listSeries(): Promise<DiscoveredSeries[]> {
    return [];
  }

  async fetch(queries: PlannedQuery[], now: Date): Promise<Map<string, Observation>> {
    this.#calls++;
    const observations = new Map<string, Observation>();
    for (const planned of queries) {
      const periodEnd = closedPeriodEnd(now, planned.periodSeconds);
      const datapoints: Datapoint[] = [];
      for (let back = 1; back <= planned.rangePeriods; back++) {
        const start = periodEnd.getTime() - back * planned.periodSeconds * 1_000;
        const samples = this.#samplesBetween(start, start + planned.periodSeconds * 1_000);
        const value = periodValue(planned.query, samples, planned.periodSeconds);
        if (value !== undefined) datapoints.push({ timestamp: new Date(start), value });
      }
      observations.set(planned.key, { ok: true, datapoints, periodEnd });
    }
    return observations;
  }

  #samplesBetween(start: number, end: number): RequestSample[] {
    const samples: RequestSample[] = [];
    for (const [minute, inMinute] of this.#minutes)
      if (minute >= start && minute < end) samples.push(...inMinute);
    return samples;
  }
}

function periodValue(
  query: MetricQuery,
  samples: RequestSample[],
  periodSeconds: number,
): number | undefined {
  if (query.kind === 'expression') {
    const { numerator, denominator, scale } = query.ratio;
    const top = statOf(query.metrics[numerator] as MetricStat, samples) ?? 0;
    const bottom = statOf(query.metrics[denominator] as MetricStat, samples);
    return bottom ? (scale * top) / bottom : undefined;
  }
  const value = statOf(query.metric, samples);
  if (value === undefined) return undefined;
  return (value * (query.scale ?? 1)) / (query.perSecond ? periodSeconds : 1);
}

/** One statistic of the samples a metric selects, as CloudWatch computes it; undefined for no data. */
function statOf(metric: MetricStat, samples: RequestSample[]): number | undefined {
  const selected = select(metric, samples);
  if (!selected || selected.samples.length === 0) return undefined;
  const values = selected.values;
  switch (metric.stat) {
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'SampleCount':
      return selected.samples.length;
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
    default: {
      const percentile = /^p(\d{1,2}(?:\.\d{1,2})?)$/.exec(metric.stat);
      if (!percentile) return undefined;
      const sorted = [...values].sort((a, b) => a - b);
      const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1;
      return sorted[Math.max(0, rank)];
    }
  }
}

/** The samples a metric stands for, and the value each contributes: 1 for a count, or its duration. */
function select(
  metric: MetricStat,
  samples: RequestSample[],
): { samples: RequestSample[]; values: number[] } | undefined {
  const { dimensions } = metric;
  const matching = samples.filter(
    (sample) =>
      (dimensions.endpoint === undefined || sample.endpoint === dimensions.endpoint) &&
      (dimensions.method === undefined || sample.method === dimensions.method) &&
      (dimensions.status_code === undefined || sample.statusCode === dimensions.status_code),
  );
  const durations = (chosen: RequestSample[], unit: number) => chosen.map((sample) => sample.seconds * unit);
  const counts = (chosen: RequestSample[]) => ({ samples: chosen, values: chosen.map(() => 1) });
  if (metric.namespace === 'AWS/ApiGateway') {
    if (metric.metricName === 'Count') return counts(matching);
    if (metric.metricName === '5xx')
      return counts(matching.filter((sample) => sample.statusCode.startsWith('5')));
    if (metric.metricName === 'Latency') return { samples: matching, values: durations(matching, 1_000) };
    return undefined;
  }
  if (metric.metricName === 'http_request_duration_seconds') {
    return { samples: matching, values: durations(matching, 1) };
  }
  return undefined;
}
