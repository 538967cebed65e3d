import { type AlertContext, buildAlertMessage, dedupKeyOf } from './alert-notification';
import type { AlertPublisher } from './alert-publisher';
import { type Decision, evaluateRule, evaluationRangePeriods, type Observation } from './evaluate-rule';
import { DISCOVERED_METRICS, type ExportQuery, exportQueries } from './export/export-set';
import type { ExportStateStore } from './export/export-state-store';
import {
  type ExportDependencies,
  type ExportSummary,
  exportDue,
  exportRangeMinutes,
  runExport,
} from './export/run-export';
import type { FluxSource } from './flux-source';
import { type Deployment, MetricResolutionError, resolveMetric } from './metric-catalogue';
import { planQueries, type QueryNeed } from './metric-plan';
import { closedPeriodEnd, type MetricSource } from './metric-source';
import { type AlertRule, InvalidRuleError, parseRuleColumns, ruleMetric, toAlertRule } from './rule';
import type { QueuedNotification, RuleStore, RuleWrite, StoredRule } from './rule-store';

export interface EvaluatorDependencies {
  store: RuleStore;
  source: MetricSource;
  publisher: AlertPublisher;
  deployment: Deployment;
  context: AlertContext;
  now: () => Date;
  /** Told once when a rule enters ERROR, and of notifications SNS refused. */
  report: (message: string, details: Record<string, unknown>) => void;
  /** Flux rules' InfluxDB; absent: such rules are in ERROR. */
  flux?: FluxSource;
  /** The metrics export (/metrics snapshot, InfluxDB), fed by the same GetMetricData calls; absent: none. */
  metricsExport?: Omit<ExportDependencies, 'report'> & { store: ExportStateStore };
}

/** Notifications of earlier runs retried per run at most; the rest wait for the next run. */
export const PENDING_RETRY_LIMIT = 100;

export interface RuleOutcome {
  rule: StoredRule;
  ruleId: string;
  decision: Decision;
}

export interface RunSummary {
  rulesEvaluated: number;
  firing: number;
  pending: number;
  inError: number;
  /** Rules another, overlapping run wrote first: this run left them (and their notifications) alone. */
  skippedByOverlap: number;
  notificationsQueued: number;
  published: number;
  publishFailed: number;
  distinctQueries: number;
  metricCalls: number;
  export?: ExportSummary;
}

/**
 * Decides every enabled rule without writing anything: what `npm run rules -- test` shows, and the first
 * half of a run. A rule that is invalid, or whose metric cannot be resolved or fetched, decides ERROR.
 * `extraNeeds` (the metrics export) are fetched in the same calls; their observations come back in order.
 */
export async function decideRules(
  rules: StoredRule[],
  deps: Pick<EvaluatorDependencies, 'source' | 'deployment' | 'flux'>,
  now: Date,
  extraNeeds: QueryNeed[] = [],
): Promise<{
  outcomes: (RuleOutcome & { parsed?: AlertRule })[];
  extra: (Observation | undefined)[];
  distinctQueries: number;
}> {
  const prepared = rules.map((stored) => prepare(stored, deps.deployment));
  const needs = prepared.filter((item) => item.need !== undefined);
  const plan = planQueries([...needs.map((item) => item.need as QueryNeed), ...extraNeeds]);
  const [observations, fluxObservations] = await Promise.all([
    deps.source.fetch(plan.queries, now),
    observeFluxRules(prepared, deps.flux, now),
  ]);
  const keyOf = new Map(needs.map((item, index) => [item, plan.keys[index] as string]));

  const outcomes = prepared.map((item) => {
    const ruleId = String(item.stored.columns.id);
    const key = keyOf.get(item);
    const observation: Observation = item.error
      ? { ok: false, error: item.error }
      : (fluxObservations.get(item) ??
        observations.get(key as string) ?? { ok: false, error: 'no answer for this metric' });
    const decision = item.rule
      ? evaluateRule(item.rule, item.stored.memory, observation, now)
      : invalidRuleDecision(item.stored, observation, now);
    return { rule: item.stored, ruleId, decision, parsed: item.rule };
  });
  const extra = plan.keys.slice(needs.length).map((key) => observations.get(key));
  return { outcomes, extra, distinctQueries: plan.queries.length };
}

/** One scheduled run: decide, write each decision conditionally with its notification, publish. */
export async function runEvaluation(deps: EvaluatorDependencies): Promise<RunSummary> {
  const now = deps.now();
  const startedAt = performance.now();
  const retries = await deps.store.claimPending(PENDING_RETRY_LIMIT);
  const rules = await deps.store.loadRules();
  const exporting = await prepareExport(deps, now);
  const { outcomes, extra, distinctQueries } = await decideRules(rules, deps, now, exporting?.needs);

  const writes = outcomes.map((outcome) => toWrite(outcome, now, deps));
  const { written, queued } = await deps.store.write(writes);
  for (const outcome of outcomes) {
    if (outcome.decision.newError && written.has(outcome.ruleId)) {
      deps.report('Alert rule cannot be evaluated', {
        ruleId: outcome.ruleId,
        reason: outcome.decision.memory.error,
      });
    }
  }

  const toPublish: QueuedNotification[] = [...retries, ...queued];
  const results = await deps.publisher.publish(toPublish);
  await deps.store.settle(results);
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length > 0) {
    deps.report('Alert notifications not published; the next run retries them', {
      count: failed.length,
      first: failed[0]?.error,
    });
  }

  const states = outcomes
    .filter((outcome) => written.has(outcome.ruleId))
    .map((outcome) => outcome.decision.memory);
  const summary: RunSummary = {
    rulesEvaluated: outcomes.length,
    firing: states.filter((memory) => memory.state === 'FIRING').length,
    pending: states.filter((memory) => memory.state === 'PENDING').length,
    inError: states.filter((memory) => memory.error !== null).length,
    skippedByOverlap: outcomes.length - written.size,
    notificationsQueued: queued.length,
    published: results.length - failed.length,
    publishFailed: failed.length,
    distinctQueries,
    metricCalls: deps.source.calls,
  };
  if (exporting && deps.metricsExport) {
    const observationByQuery = new Map(exporting.queries.map((query, index) => [query, extra[index]]));
    summary.export = await runExport(
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
  }
  return summary;
}

/** The export's state and the queries it adds to this run's GetMetricData calls. */
async function prepareExport(deps: EvaluatorDependencies, now: Date) {
  if (!deps.metricsExport) return undefined;
  const state = await deps.metricsExport.store.read();
  const periodEnd = closedPeriodEnd(now, 60);
  if (!exportDue(state, periodEnd, deps.metricsExport.everyMinutes)) return undefined;
  const series = await deps.source.listSeries(deps.deployment.namespace, DISCOVERED_METRICS);
  const queries: ExportQuery[] = exportQueries(series, deps.deployment);
  const rangePeriods = exportRangeMinutes(state, periodEnd, deps.metricsExport.influx !== undefined);
  const needs: QueryNeed[] = queries.map(({ query }) => ({ query, periodSeconds: 60, rangePeriods }));
  return { state, periodEnd, queries, needs };
}

interface Prepared {
  stored: StoredRule;
  rule?: AlertRule;
  need?: QueryNeed;
  error?: string;
}

/** Flux rules run their queries a few at a time, each bounded by the source's timeout. */
const CONCURRENT_FLUX_QUERIES = 4;

async function observeFluxRules(
  prepared: Prepared[],
  flux: FluxSource | undefined,
  now: Date,
): Promise<Map<Prepared, Observation>> {
  const fluxRules = prepared.filter((item) => item.rule?.source === 'influxdb' && !item.error);
  const observations = new Map<Prepared, Observation>();
  for (let start = 0; start < fluxRules.length; start += CONCURRENT_FLUX_QUERIES) {
    const batch = fluxRules.slice(start, start + CONCURRENT_FLUX_QUERIES);
    await Promise.all(
      batch.map(async (item) => {
        const rule = item.rule as AlertRule;
        observations.set(
          item,
          flux
            ? await flux.observe(rule.fluxQuery as string, rule.periodSeconds, now)
            : { ok: false, error: 'INFLUXDB_URL is not set: no InfluxDB to query' },
        );
      }),
    );
  }
  return observations;
}

function prepare(stored: StoredRule, deployment: Deployment): Prepared {
  try {
    const rule = toAlertRule(parseRuleColumns(stored.columns));
    if (rule.source === 'influxdb') return { stored, rule };
    const need = needOf(rule, deployment);
    if (need instanceof Error) return { stored, rule, error: need.message };
    return { stored, rule, need };
  } catch (error) {
    if (error instanceof InvalidRuleError) return { stored, error: `invalid rule: ${error.message}` };
    throw error;
  }
}

function needOf(rule: AlertRule, deployment: Deployment): QueryNeed | Error {
  try {
    const query = resolveMetric(ruleMetric(rule), deployment);
    return { query, periodSeconds: rule.periodSeconds, rangePeriods: evaluationRangePeriods(rule) };
  } catch (error) {
    if (error instanceof MetricResolutionError) return error;
    throw error;
  }
}

/** A row the evaluator cannot read as a rule keeps its memory and shows the reason as its error. */
function invalidRuleDecision(stored: StoredRule, observation: Observation, now: Date): Decision {
  const error = observation.ok ? 'invalid rule' : observation.error;
  const before = stored.memory;
  return {
    memory: {
      state: before?.state ?? 'OK',
      stateSince: before?.stateSince ?? now,
      episodeStartedAt: before?.episodeStartedAt ?? null,
      announced: before?.announced ?? false,
      lastNotifiedAt: before?.lastNotifiedAt ?? null,
      clearSince: before?.clearSince ?? null,
      lastValue: before?.lastValue ?? null,
      lastEvaluatedAt: now,
      error,
      errorSince: before?.errorSince ?? now,
    },
    newError: (before?.error ?? null) === null,
    reason: `error: ${error}`,
  };
}

function toWrite(
  outcome: RuleOutcome & { parsed?: AlertRule },
  now: Date,
  deps: Pick<EvaluatorDependencies, 'context'>,
): RuleWrite {
  const { decision, parsed } = outcome;
  const write: RuleWrite = {
    ruleId: outcome.ruleId,
    expectedVersion: outcome.rule.version,
    memory: decision.memory,
  };
  if (!decision.notification || !parsed) return write;
  try {
    const message = buildAlertMessage(parsed, decision.memory, decision.notification, now, deps.context);
    const episodeStart = decision.memory.episodeStartedAt ?? now;
    return {
      ...write,
      notification: { kind: decision.notification, dedupKey: dedupKeyOf(parsed, episodeStart), message },
    };
  } catch (error) {
    // The schema refused what the rule holds: the rule shows the reason instead of a message nobody gets,
    // and its episode counts as not announced, so that the FIRING goes out once the rule is fixed.
    const reason = `alert message refused: ${(error as Error).message}`.slice(0, 500);
    return {
      ...write,
      memory: { ...decision.memory, announced: false, error: reason, errorSince: now },
    };
  }
}
