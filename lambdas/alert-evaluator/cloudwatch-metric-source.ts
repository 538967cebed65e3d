import {
  type CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import type { Datapoint, Observation } from './evaluate-rule';
import type { DiscoveredSeries } from './export/export-set';
import type { MetricStat } from './metric-catalogue';
import { metricStatKey, metricStatsOf, type PlannedQuery } from './metric-plan';
import { closedPeriodEnd, type MetricSource } from './metric-source';

/** GetMetricData's limit of queries (metrics and expressions) in one call. */
export const MAX_QUERIES_PER_CALL = 500;
/** A run never follows more pages than this for one call: CloudWatch answering NextToken forever is a bug. */
const MAX_PAGES_PER_CALL = 50;
const MAX_ERROR_LENGTH = 300;

/**
 * Reads rule metrics with batched GetMetricData: one call sequence per period length, at most 500 queries a
 * call, `NextToken` followed. A query whose status is not `Complete`, or whose call failed after the SDK's
 * retries (throttling included), becomes an error observation: the rule goes to ERROR, never to OK.
 */
export class CloudWatchMetricSource implements MetricSource {
  readonly #client: CloudWatchClient;
  #calls = 0;
  #listCalls = 0;

  constructor(client: CloudWatchClient) {
    this.#client = client;
  }

  get calls(): number {
    return this.#calls;
  }

  /**
   * The series of `metricNames` in `namespace` that had data in the last three hours: one ListMetrics call
   * per 500 series of the namespace, whatever the number of names.
   */
  async listSeries(
    namespace: string,
    metricNames: readonly string[],
    signal?: AbortSignal,
  ): Promise<DiscoveredSeries[]> {
    const series: DiscoveredSeries[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
      this.#listCalls++;
      const response = await this.#client.send(
        new ListMetricsCommand({ Namespace: namespace, RecentlyActive: 'PT3H', NextToken: nextToken }),
        { abortSignal: signal },
      );
      for (const metric of response.Metrics ?? []) {
        if (!metric.MetricName || !metricNames.includes(metric.MetricName)) continue;
        const dimensions: Record<string, string> = {};
        for (const { Name, Value } of metric.Dimensions ?? [])
          if (Name && Value !== undefined) dimensions[Name] = Value;
        series.push({ metricName: metric.MetricName, dimensions });
      }
      nextToken = response.NextToken;
      if (!nextToken) break;
    }
    return series;
  }

  /** ListMetrics calls so far. */
  get listCalls(): number {
    return this.#listCalls;
  }

  async fetch(queries: PlannedQuery[], now: Date, signal?: AbortSignal): Promise<Map<string, Observation>> {
    const observations = new Map<string, Observation>();
    for (const [periodSeconds, group] of groupByPeriod(queries)) {
      const periodEnd = closedPeriodEnd(now, periodSeconds);
      const rangePeriods = Math.max(...group.map((query) => query.rangePeriods));
      const startTime = new Date(periodEnd.getTime() - rangePeriods * periodSeconds * 1_000);
      for (const chunk of chunksOf(group)) {
        const results = await this.#fetchChunk(chunk, startTime, periodEnd, signal);
        chunk.queries.forEach((query, index) => {
          const id = chunk.resultIds[index] as string;
          observations.set(query.key, observationOf(query, results, id, periodEnd));
        });
      }
    }
    return observations;
  }

  async #fetchChunk(
    chunk: Chunk,
    startTime: Date,
    endTime: Date,
    signal: AbortSignal | undefined,
  ): Promise<Map<string, MergedResult> | Error> {
    const merged = new Map<string, MergedResult>();
    let nextToken: string | undefined;
    try {
      for (let page = 0; page < MAX_PAGES_PER_CALL; page++) {
        if (signal?.aborted) return gaveUp(signal);
        this.#calls++;
        const response = await this.#client.send(
          new GetMetricDataCommand({
            MetricDataQueries: chunk.dataQueries,
            StartTime: startTime,
            EndTime: endTime,
            ScanBy: 'TimestampDescending',
            NextToken: nextToken,
          }),
          { abortSignal: signal },
        );
        for (const result of response.MetricDataResults ?? []) merge(merged, result);
        nextToken = response.NextToken;
        if (!nextToken) return merged;
      }
      return new Error(`GetMetricData still answered NextToken after ${MAX_PAGES_PER_CALL} pages`);
    } catch (error) {
      if (signal?.aborted) return gaveUp(signal);
      const { name, message } = error as Error;
      return new Error(`GetMetricData failed: ${name}: ${message}`.slice(0, MAX_ERROR_LENGTH));
    }
  }
}

/** The run's time for reading metrics is up: the queries not answered are errors of this run. */
function gaveUp(signal: AbortSignal): Error {
  const reason = signal.reason instanceof Error ? signal.reason.message : 'aborted';
  return new Error(`GetMetricData did not answer in time: ${reason}`.slice(0, MAX_ERROR_LENGTH));
}

function groupByPeriod(queries: PlannedQuery[]): Map<number, PlannedQuery[]> {
  const groups = new Map<number, PlannedQuery[]>();
  for (const query of queries) {
    const group = groups.get(query.periodSeconds);
    if (group) group.push(query);
    else groups.set(query.periodSeconds, [query]);
  }
  return groups;
}

/**
 * The queries of one GetMetricData call. Each metric and statistic is asked once, however many queries read
 * it (GetMetricData bills per metric asked): `request_rate` reads the same API Gateway Count that `error_rate`
 * divides by, so the rate's result is that metric's own and the expression refers to it.
 */
class Chunk {
  readonly queries: PlannedQuery[] = [];
  /** Per query, in order: the id of the result that answers it. */
  readonly resultIds: string[] = [];
  readonly dataQueries: MetricDataQuery[] = [];
  readonly #byMetricStat = new Map<string, MetricDataQuery>();

  /** The data queries `planned` would add: its metrics the call does not ask yet, and its expression. */
  sizeOf(planned: PlannedQuery): number {
    const added = new Set(
      metricStatsOf(planned.query)
        .map((metric) => metricStatKey(metric, planned.periodSeconds))
        .filter((key) => !this.#byMetricStat.has(key)),
    );
    return added.size + (planned.query.kind === 'expression' ? 1 : 0);
  }

  add(planned: PlannedQuery): void {
    const { query, periodSeconds } = planned;
    this.queries.push(planned);
    if (query.kind === 'metric') {
      const dataQuery = this.#metricQuery(query.metric, periodSeconds);
      dataQuery.ReturnData = true;
      this.resultIds.push(dataQuery.Id as string);
      return;
    }
    const ids = new Map(
      Object.entries(query.metrics).map(([name, metric]) => [
        name,
        this.#metricQuery(metric, periodSeconds).Id as string,
      ]),
    );
    // The catalogue's expressions name their metrics by word; each becomes this call's id for it.
    const expression = query.expression.replace(/[A-Za-z_][A-Za-z0-9_]*/g, (word) => ids.get(word) ?? word);
    const id = `e${this.dataQueries.length}`;
    this.dataQueries.push({ Id: id, Expression: expression, Period: periodSeconds, ReturnData: true });
    this.resultIds.push(id);
  }

  /** The call's query of this metric and statistic: a hidden one until a query wants its result. */
  #metricQuery(metric: MetricStat, periodSeconds: number): MetricDataQuery {
    const key = metricStatKey(metric, periodSeconds);
    let dataQuery = this.#byMetricStat.get(key);
    if (!dataQuery) {
      dataQuery = {
        Id: `m${this.dataQueries.length}`,
        MetricStat: metricStat(metric, periodSeconds),
        ReturnData: false,
      };
      this.dataQueries.push(dataQuery);
      this.#byMetricStat.set(key, dataQuery);
    }
    return dataQuery;
  }
}

/** Queries packed into calls of at most 500 metric data queries, an expression always with its metrics. */
function chunksOf(queries: PlannedQuery[]): Chunk[] {
  const chunks: Chunk[] = [];
  let current = new Chunk();
  for (const query of queries) {
    if (
      current.dataQueries.length + current.sizeOf(query) > MAX_QUERIES_PER_CALL &&
      current.queries.length > 0
    ) {
      chunks.push(current);
      current = new Chunk();
    }
    current.add(query);
  }
  if (current.queries.length > 0) chunks.push(current);
  return chunks;
}

function metricStat(metric: MetricStat, periodSeconds: number) {
  return {
    Metric: {
      Namespace: metric.namespace,
      MetricName: metric.metricName,
      Dimensions: Object.entries(metric.dimensions).map(([Name, Value]) => ({ Name, Value })),
    },
    Period: periodSeconds,
    Stat: metric.stat,
  };
}

interface MergedResult {
  datapoints: Datapoint[];
  status: string;
  messages: string[];
}

/** Pages of one call may each carry part of a query's datapoints; the last page's status is the final one. */
function merge(merged: Map<string, MergedResult>, result: MetricDataResult): void {
  if (!result.Id) return;
  const entry = merged.get(result.Id) ?? { datapoints: [], status: 'Complete', messages: [] };
  const timestamps = result.Timestamps ?? [];
  const values = result.Values ?? [];
  timestamps.forEach((timestamp, index) => {
    const value = values[index];
    if (value !== undefined && Number.isFinite(value))
      entry.datapoints.push({ timestamp: new Date(timestamp), value });
  });
  entry.status = result.StatusCode ?? 'Complete';
  for (const message of result.Messages ?? []) entry.messages.push(`${message.Code}: ${message.Value}`);
  merged.set(result.Id, entry);
}

function observationOf(
  planned: PlannedQuery,
  results: Map<string, MergedResult> | Error,
  id: string,
  periodEnd: Date,
): Observation {
  if (results instanceof Error) return { ok: false, error: results.message };
  const result = results.get(id);
  if (!result) return { ok: true, datapoints: [], periodEnd };
  if (result.status !== 'Complete') {
    const detail = result.messages.length > 0 ? ` (${result.messages.join('; ')})` : '';
    return { ok: false, error: `CloudWatch answered ${result.status}${detail}`.slice(0, MAX_ERROR_LENGTH) };
  }
  const { query, periodSeconds } = planned;
  const factor = query.kind === 'metric' ? (query.scale ?? 1) / (query.perSecond ? periodSeconds : 1) : 1;
  return {
    ok: true,
    periodEnd,
    datapoints: result.datapoints.map(({ timestamp, value }) => ({ timestamp, value: value * factor })),
  };
}
