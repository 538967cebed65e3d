import type { Observation } from './evaluate-rule';
import type { DiscoveredSeries } from './export/export-set';
import type { PlannedQuery } from './metric-plan';

/** Where a run's datapoints come from: CloudWatch in AWS; anything of this shape elsewhere. */
export interface MetricSource {
  /**
   * One observation per planned query key, each aligned to its period with the still-filling one left out.
   * When `signal` aborts, the queries not answered yet are error observations.
   */
  fetch(queries: PlannedQuery[], now: Date, signal?: AbortSignal): Promise<Map<string, Observation>>;
  /** Calls made to the backing service so far (benchmarks and tests count them). */
  readonly calls: number;
  /** The series of these metrics that recently had data (the metrics export's route, method and status). */
  listSeries(
    namespace: string,
    metricNames: readonly string[],
    signal?: AbortSignal,
  ): Promise<DiscoveredSeries[]>;
}

/** The end of the newest closed period: the still-filling period is never evaluated. */
export function closedPeriodEnd(now: Date, periodSeconds: number): Date {
  const periodMs = periodSeconds * 1_000;
  return new Date(Math.floor(now.getTime() / periodMs) * periodMs);
}
