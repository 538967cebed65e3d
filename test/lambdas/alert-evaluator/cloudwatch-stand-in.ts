import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandInput,
  ListMetricsCommand,
  type ListMetricsCommandInput,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';

/** `Namespace/MetricName` plus sorted dimensions: how the stand-in files a series. */
export function seriesKey(
  namespace: string,
  metricName: string,
  dimensions: Record<string, string> = {},
): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => `${name}=${value}`)
    .join(',');
  return `${namespace}/${metricName}{${dims}}`;
}

/**
 * CloudWatch as GetMetricData answers: per query id, the datapoints of its series inside
 * [StartTime, EndTime) at the query's period, newest first, paginated by `pageSize` datapoints with
 * NextToken. Expressions of the form `100 * FILL(a, 0) / b` are computed from their hidden metrics. Tests
 * put values per period start with `put`, and can make a call fail or a query come back incomplete.
 */
export class CloudWatchStandIn {
  readonly mock = mockClient(CloudWatchClient);
  readonly requests: GetMetricDataCommandInput[] = [];
  readonly listRequests: ListMetricsCommandInput[] = [];
  readonly #series = new Map<string, Map<number, number>>();
  pageSize = 10_000;
  /** Set to make every call throw (after the SDK's retries, as the evaluator sees it). */
  failWith: Error | undefined;
  /** Set to answer this status for every query. */
  statusCode: 'Complete' | 'PartialData' | 'InternalError' | 'Forbidden' = 'Complete';

  #held: { count: number; release: () => void; waiting: Promise<void> } | undefined;

  constructor() {
    this.mock.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataCommandInput) => {
      if (this.#held) {
        this.#held.count--;
        if (this.#held.count <= 0) this.#held.release();
        await this.#held.waiting;
      }
      return this.#answer(input);
    });
    this.mock.on(ListMetricsCommand).callsFake((input: ListMetricsCommandInput) => this.#list(input));
  }

  /** Answers nothing until `calls` calls are waiting: runs that overlap for sure. */
  holdUntil(calls: number): void {
    let release = () => {};
    const waiting = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#held = { count: calls, release, waiting };
  }

  releaseHold(): void {
    this.#held?.release();
    this.#held = undefined;
  }

  put(key: string, periodStart: Date, value: number): void {
    const series = this.#series.get(key) ?? new Map<number, number>();
    series.set(periodStart.getTime(), value);
    this.#series.set(key, series);
  }

  clear(): void {
    this.#series.clear();
  }

  restore(): void {
    this.mock.restore();
  }

  #answer(input: GetMetricDataCommandInput) {
    this.requests.push(input);
    if (this.failWith) throw this.failWith;
    const queries = input.MetricDataQueries ?? [];
    const start = (input.StartTime as Date).getTime();
    const end = (input.EndTime as Date).getTime();
    const byId = new Map(queries.map((query) => [query.Id as string, query]));
    const all: { id: string; timestamp: number; value: number }[] = [];
    for (const query of queries) {
      if (query.ReturnData === false) continue;
      for (const [timestamp, value] of this.#values(query, byId)) {
        if (timestamp >= start && timestamp < end) all.push({ id: query.Id as string, timestamp, value });
      }
    }
    all.sort((a, b) => b.timestamp - a.timestamp);
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    const page = all.slice(offset, offset + this.pageSize);
    const results = new Map<string, MetricDataResult>();
    for (const query of queries) {
      if (query.ReturnData === false) continue;
      results.set(query.Id as string, {
        Id: query.Id,
        Timestamps: [],
        Values: [],
        StatusCode: this.statusCode,
      });
    }
    for (const point of page) {
      const result = results.get(point.id) as MetricDataResult;
      result.Timestamps?.push(new Date(point.timestamp));
      result.Values?.push(point.value);
    }
    const more = offset + this.pageSize < all.length;
    return {
      MetricDataResults: [...results.values()],
      ...(more && { NextToken: String(offset + this.pageSize) }),
    };
  }

  /** Every series put under the namespace, as ListMetrics lists them (one page). */
  #list(input: ListMetricsCommandInput) {
    this.listRequests.push(input);
    const prefix = `${input.Namespace}/`;
    const keys = new Set([...this.#series.keys()].map((key) => key.replace(/^[A-Za-z0-9.]+:(?=[A-Z])/, '')));
    const metrics = [...keys]
      .filter((key) => key.startsWith(prefix))
      .map((key) => {
        const [, metricName = '', dims = ''] = /^[^{]*\/([^/{]+)\{(.*)\}$/.exec(key) ?? [];
        const dimensions = dims
          ? dims.split(',').map((pair) => {
              const [Name, Value] = pair.split('=');
              return { Name, Value };
            })
          : [];
        return { Namespace: input.Namespace, MetricName: metricName, Dimensions: dimensions };
      });
    return { Metrics: metrics };
  }

  #values(query: MetricDataQuery, byId: Map<string, MetricDataQuery>): Map<number, number> {
    if (query.MetricStat) {
      const { Metric } = query.MetricStat;
      const dimensions = Object.fromEntries((Metric?.Dimensions ?? []).map((d) => [d.Name, d.Value]));
      const key = seriesKey(Metric?.Namespace ?? '', Metric?.MetricName ?? '', dimensions);
      // A series put under `<stat>:<key>` answers that statistic only.
      return this.#series.get(`${query.MetricStat.Stat}:${key}`) ?? this.#series.get(key) ?? new Map();
    }
    const match = /^100 \* FILL\((\w+), 0\) \/ (\w+)$/.exec(query.Expression ?? '');
    if (!match) throw new Error(`The stand-in cannot compute ${query.Expression}`);
    const errors = this.#values(byId.get(match[1] as string) as MetricDataQuery, byId);
    const requests = this.#values(byId.get(match[2] as string) as MetricDataQuery, byId);
    const rates = new Map<number, number>();
    for (const [timestamp, count] of requests)
      rates.set(timestamp, (100 * (errors.get(timestamp) ?? 0)) / count);
    return rates;
  }
}
