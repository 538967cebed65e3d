import type { MetricQuery, MetricStat } from './metric-catalogue';

/** One distinct metric query of a run, however many rules share it. */
export interface PlannedQuery {
  key: string;
  query: MetricQuery;
  periodSeconds: number;
  /** Periods back from the newest closed one: the longest evaluation range of the rules sharing it. */
  rangePeriods: number;
}

export interface QueryNeed {
  query: MetricQuery;
  periodSeconds: number;
  rangePeriods: number;
}

/** The metrics (with their statistic) a query reads: one, or an expression's named metrics. */
export function metricStatsOf(query: MetricQuery): MetricStat[] {
  return query.kind === 'metric' ? [query.metric] : Object.values(query.metrics);
}

/** Identifies one metric, statistic and period: GetMetricData bills each once per call, whoever reads it. */
export function metricStatKey(metric: MetricStat, periodSeconds: number): string {
  return `${periodSeconds}:${canonicalJson(metric)}`;
}

/**
 * Metrics GetMetricData bills for a plan: each metric and statistic once, however many queries read it, so
 * `request_rate` and `error_rate` share API Gateway's Count.
 */
export function billedMetrics(queries: PlannedQuery[]): number {
  const keys = new Set<string>();
  for (const { query, periodSeconds } of queries)
    for (const metric of metricStatsOf(query)) keys.add(metricStatKey(metric, periodSeconds));
  return keys.size;
}

/**
 * The distinct queries of a run: GetMetricData bills per metric, so a warning and a critical rule on
 * `error_rate` share one query. Returns the plan and, per need, the key of its query.
 */
export function planQueries(needs: QueryNeed[]): { queries: PlannedQuery[]; keys: string[] } {
  const byKey = new Map<string, PlannedQuery>();
  const keys = needs.map((need) => {
    const key = `${need.periodSeconds}:${canonicalJson(need.query)}`;
    const planned = byKey.get(key);
    if (planned) planned.rangePeriods = Math.max(planned.rangePeriods, need.rangePeriods);
    else
      byKey.set(key, {
        key,
        query: need.query,
        periodSeconds: need.periodSeconds,
        rangePeriods: need.rangePeriods,
      });
    return key;
  });
  return { queries: [...byKey.values()], keys };
}

/** JSON with object keys sorted, so that equal queries written in another order share a key. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
