import { DISCOVERED_METRICS, type ExportQuery, exportQueries } from './export/export-set';
import type { ExportState, ExportStateStore } from './export/export-state-store';
import {
  type ExportDependencies,
  type ExportSummary,
  exportDue,
  exportRangeMinutes,
  runExport,
} from './export/run-export';
import type { QueryNeed } from './metric-plan';
import { closedPeriodEnd } from './metric-source';
import { RunDeadline } from './run-deadline';
import {
  DEFAULT_RUN_BUDGET_MS,
  type EvaluatorDependencies,
  type RunSummary,
  runEvaluation,
} from './run-evaluation';

/** The metrics export's dependencies, fed by the evaluation's GetMetricData calls. */
export type MetricsExport = Omit<ExportDependencies, 'report'> & {
  store: ExportStateStore;
  /** The longest its writes (Redis, InfluxDB) can take: the run starts it only with this much time left. */
  worstCaseMs?: number;
};

export interface ScheduledRunDependencies extends Omit<EvaluatorDependencies, 'extraNeeds'> {
  /** The metrics export (/metrics snapshot, InfluxDB); absent: none. */
  metricsExport?: MetricsExport;
}

export interface ScheduledRunSummary extends RunSummary {
  export?: ExportSummary;
}

/** ListMetrics (the export's series) must answer within this share of the run's budget, or the export waits. */
const LIST_SHARE = 0.2;
/** The export's worst case when it gives none: its Redis and InfluxDB writes take 3 s each at most. */
const EXPORT_WORST_CASE_MS = 6_500;

/**
 * One scheduled run: the evaluation of the rules, and beside it the metrics export, as Prometheus keeps a rule
 * group's evaluation apart from sending. The export's queries join the evaluation's GetMetricData calls (each
 * metric billed once); it then works on what they answered, and neither's failure touches the other.
 */
export async function runScheduled(deps: ScheduledRunDependencies): Promise<ScheduledRunSummary> {
  const now = deps.now();
  const startedAt = performance.now();
  const deadline = deps.deadline ?? new RunDeadline(DEFAULT_RUN_BUDGET_MS);
  const exporting = deps.metricsExport
    ? await prepareExport(deps, deps.metricsExport, now, deadline)
    : undefined;

  const { summary, outcomes, extra } = await runEvaluation({
    ...deps,
    deadline,
    extraNeeds: exporting?.needs,
  });
  if (!exporting || !deps.metricsExport) return summary;
  if (deadline.msUntil() < (deps.metricsExport.worstCaseMs ?? EXPORT_WORST_CASE_MS)) {
    deps.report('Metrics export skipped: the run had no time left; the next run exports the minutes', {
      remainingMs: Math.round(deadline.msUntil()),
    });
    return summary;
  }
  const observationByQuery = new Map(exporting.queries.map((query, index) => [query, extra[index]]));
  const exported = await runExport(
    { ...deps.metricsExport, report: deps.report },
    {
      state: exporting.state,
      queries: exporting.queries,
      observationOf: (query) => observationByQuery.get(query),
      periodEnd: exporting.periodEnd,
      now,
      rules: outcomes.map(({ ruleId, parsed, decision }) => ({
        ruleId,
        severity: parsed?.severity ?? 'unknown',
        firing: decision.memory.state === 'FIRING',
        value: decision.memory.lastValue,
      })),
      evaluationSeconds: (performance.now() - startedAt) / 1_000,
    },
  );
  return { ...summary, export: exported };
}

/**
 * The export's state and the queries it adds to this run's GetMetricData calls; undefined when no export is
 * due, or when its series cannot be listed (then the rules are evaluated all the same, and the export waits).
 */
async function prepareExport(
  deps: ScheduledRunDependencies,
  metricsExport: MetricsExport,
  now: Date,
  deadline: RunDeadline,
): Promise<{ state: ExportState; periodEnd: Date; queries: ExportQuery[]; needs: QueryNeed[] } | undefined> {
  try {
    const state = await metricsExport.store.read();
    const periodEnd = closedPeriodEnd(now, 60);
    if (!exportDue(state, periodEnd, metricsExport.everyMinutes)) return undefined;
    const series = await deps.source.listSeries(
      deps.deployment.namespace,
      DISCOVERED_METRICS,
      deadline.signal(LIST_SHARE),
    );
    const queries = exportQueries(series, deps.deployment);
    const rangePeriods = exportRangeMinutes(state, periodEnd, metricsExport.influx !== undefined);
    const needs = queries.map(({ query }) => ({ query, periodSeconds: 60, rangePeriods }));
    return { state, periodEnd, queries, needs };
  } catch (error) {
    deps.report('Metrics export skipped: its series could not be listed; the next run exports the minutes', {
      reason: `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300),
    });
    return undefined;
  }
}
