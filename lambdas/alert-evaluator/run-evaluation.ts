import { type AlertContext, buildAlertMessage, dedupKeyOf } from './alert-notification';
import type { AlertPublisher } from './alert-publisher';
import {
  type Decision,
  evaluateRule,
  evaluationRangePeriods,
  initialMemory,
  type Observation,
} from './evaluate-rule';
import type { FluxSource } from './flux-source';
import { type Deployment, MetricResolutionError, resolveMetric } from './metric-catalogue';
import { planQueries, type QueryNeed } from './metric-plan';
import type { MetricSource } from './metric-source';
import type { OutboxStore } from './outbox-store';
import { type PublishingSummary, publishPending } from './publish-pending';
import { type AlertRule, InvalidRuleError, parseRuleColumns, ruleMetric, toAlertRule } from './rule';
import type { RuleStore, RuleWrite, StoredRule, WriteResult } from './rule-store';
import { RunDeadline } from './run-deadline';

export interface EvaluatorDependencies {
  rules: RuleStore;
  outbox: OutboxStore;
  source: MetricSource;
  publisher: AlertPublisher;
  deployment: Deployment;
  context: AlertContext;
  now: () => Date;
  /** Told once when a rule enters ERROR, and of notifications that were not published. */
  report: (message: string, details: Record<string, unknown>) => void;
  /** Flux rules' InfluxDB; absent: such rules are in ERROR. */
  flux?: FluxSource;
  /** The run's time; without one, a run has 47 s (the evaluator function's 50 s timeout less its reserve). */
  deadline?: RunDeadline;
  /**
   * Queries read in the same GetMetricData calls as the rules' (the metrics export's): their observations
   * come back in `extra`, in order.
   */
  extraNeeds?: QueryNeed[];
}

/** The run budget when the caller gives none. */
export const DEFAULT_RUN_BUDGET_MS = 47_000;

export interface RuleOutcome {
  rule: StoredRule;
  ruleId: string;
  decision: Decision;
  /** The rule as validated; absent for a row that is not a valid rule. */
  parsed?: AlertRule;
  /** Why the rule's state row cannot be read: only its error is written. */
  unreadable?: string;
}

export interface RunSummary extends PublishingSummary {
  rulesEvaluated: number;
  firing: number;
  pending: number;
  inError: number;
  /** Rules another, overlapping run wrote first: this run left them (and their notifications) alone. */
  skippedByOverlap: number;
  notificationsQueued: number;
  /** Pending notifications made stale by newer ones, and owed ones not queued (docs/alert-rules.md). */
  superseded: number;
  distinctQueries: number;
  metricCalls: number;
  /** Metrics still unread when the run's time for reading was up: their rules are in ERROR this run. */
  readTimedOut: boolean;
}

export interface EvaluationResult {
  summary: RunSummary;
  outcomes: RuleOutcome[];
  /** The observations of `extraNeeds`, in order; undefined where the source gave none. */
  extra: (Observation | undefined)[];
}

/**
 * Decides every enabled rule without writing anything: what `npm run rules -- test` shows, and the first
 * half of a run. Each rule is decided on its own: a rule that is invalid, whose state row cannot be read,
 * whose metric cannot be resolved or fetched, or whose decision fails decides ERROR, and only it.
 */
export async function decideRules(
  rules: StoredRule[],
  deps: Pick<EvaluatorDependencies, 'source' | 'deployment' | 'flux'>,
  now: Date,
  extraNeeds: QueryNeed[] = [],
  signal?: AbortSignal,
): Promise<{ outcomes: RuleOutcome[]; extra: (Observation | undefined)[]; distinctQueries: number }> {
  const prepared = rules.map((stored) => prepare(stored, deps.deployment));
  const needs = prepared.filter((item) => item.need !== undefined);
  const plan = planQueries([...needs.map((item) => item.need as QueryNeed), ...extraNeeds]);
  const [observations, fluxObservations] = await Promise.all([
    deps.source.fetch(plan.queries, now, signal),
    observeFluxRules(prepared, deps.flux, now, signal),
  ]);
  const keyOf = new Map(needs.map((item, index) => [item, plan.keys[index] as string]));

  const outcomes = prepared.map((item) => {
    const observation: Observation = item.error
      ? { ok: false, error: item.error }
      : (fluxObservations.get(item) ??
        observations.get(keyOf.get(item) as string) ?? { ok: false, error: 'no answer for this metric' });
    return decide(item, observation, now);
  });
  const extra = plan.keys.slice(needs.length).map((key) => observations.get(key));
  return { outcomes, extra, distinctQueries: plan.queries.length };
}

/**
 * One scheduled evaluation: decide every rule, write each decision conditionally with the notification it
 * owes, then publish what is pending (this run's and earlier runs'), each rule's in order. The metrics export
 * is not part of it: it reads `extra` afterwards (scheduled-run.ts).
 */
export async function runEvaluation(deps: EvaluatorDependencies): Promise<EvaluationResult> {
  const now = deps.now();
  const deadline = deps.deadline ?? new RunDeadline(DEFAULT_RUN_BUDGET_MS);
  const stored = await deps.rules.loadRules();
  const readSignal = deadline.signal(RunDeadline.READ_SHARE);
  const { outcomes, extra, distinctQueries } = await decideRules(
    stored,
    deps,
    now,
    deps.extraNeeds,
    readSignal,
  );

  const written = await deps.rules.write(
    outcomes.map((outcome) => toWrite(outcome, now, deps.context)),
    now,
  );
  reportNewErrors(outcomes, written, deps.report);
  const publishing = await publishPending(deps.outbox, deps.publisher, deadline, deps.report);
  const summary: RunSummary = {
    ...countStates(outcomes, written),
    notificationsQueued: written.queued,
    superseded: written.superseded + written.suppressed,
    ...publishing,
    distinctQueries,
    metricCalls: deps.source.calls,
    readTimedOut: readSignal.aborted,
  };
  return { summary, outcomes, extra };
}

/** The rule's error after this run: its refused write's, its unreadable row's, or its decision's. */
function errorOf(outcome: RuleOutcome, written: WriteResult): string | null {
  return written.refused.get(outcome.ruleId) ?? outcome.unreadable ?? outcome.decision.memory.error;
}

/** Each rule that entered ERROR this run is reported once (a rule already in error is not again). */
function reportNewErrors(
  outcomes: RuleOutcome[],
  written: WriteResult,
  report: EvaluatorDependencies['report'],
) {
  for (const outcome of outcomes) {
    const known = outcome.unreadable ? outcome.rule.unreadable?.error : outcome.rule.memory?.error;
    const refused = written.refused.has(outcome.ruleId);
    const error = errorOf(outcome, written);
    const entered = outcome.decision.newError || (refused && !known);
    if (error && entered && (written.written.has(outcome.ruleId) || refused)) {
      report('Alert rule cannot be evaluated', { ruleId: outcome.ruleId, reason: error });
    }
  }
}

/** The rules this run wrote (or tried to), by state; a rule whose new memory was refused keeps its old state. */
function countStates(outcomes: RuleOutcome[], written: WriteResult) {
  const counted = outcomes.filter(
    (outcome) => written.written.has(outcome.ruleId) || written.refused.has(outcome.ruleId),
  );
  const stateOf = (outcome: RuleOutcome) =>
    written.refused.has(outcome.ruleId)
      ? (outcome.rule.memory?.state ?? 'OK')
      : outcome.decision.memory.state;
  return {
    rulesEvaluated: outcomes.length,
    firing: counted.filter((outcome) => stateOf(outcome) === 'FIRING').length,
    pending: counted.filter((outcome) => stateOf(outcome) === 'PENDING').length,
    inError: counted.filter((outcome) => errorOf(outcome, written) !== null).length,
    skippedByOverlap: outcomes.length - counted.length,
  };
}

interface Prepared {
  stored: StoredRule;
  rule?: AlertRule;
  need?: QueryNeed;
  error?: string;
}

/** Flux rules run their queries a few at a time, each bounded by the source's timeout and the run's. */
const CONCURRENT_FLUX_QUERIES = 4;

async function observeFluxRules(
  prepared: Prepared[],
  flux: FluxSource | undefined,
  now: Date,
  signal: AbortSignal | undefined,
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
            ? await flux.observe(rule.fluxQuery as string, rule.periodSeconds, now, signal)
            : { ok: false, error: 'no InfluxDB to query: INFLUXDB_URL or its read-only token is not set' },
        );
      }),
    );
  }
  return observations;
}

/** A rule's row read as a rule, and the metric query it needs; any failure is that rule's error. */
function prepare(stored: StoredRule, deployment: Deployment): Prepared {
  if (stored.unreadable) return { stored, error: stored.unreadable.problem };
  let rule: AlertRule;
  try {
    rule = toAlertRule(parseRuleColumns(stored.columns));
  } catch (error) {
    const reason =
      error instanceof InvalidRuleError
        ? `invalid rule: ${error.message}`
        : `the rule could not be read: ${(error as Error)?.name}: ${(error as Error)?.message}`;
    return { stored, error: reason.slice(0, 500) };
  }
  if (rule.source === 'influxdb') return { stored, rule };
  try {
    const query = resolveMetric(ruleMetric(rule), deployment);
    return {
      stored,
      rule,
      need: { query, periodSeconds: rule.periodSeconds, rangePeriods: evaluationRangePeriods(rule) },
    };
  } catch (error) {
    const reason =
      error instanceof MetricResolutionError
        ? error.message
        : `the metric could not be resolved: ${String(error)}`;
    return { stored, rule, error: reason.slice(0, 500) };
  }
}

function decide(item: Prepared, observation: Observation, now: Date): RuleOutcome {
  const { stored } = item;
  const ruleId = String(stored.columns.id);
  if (stored.unreadable) {
    return {
      rule: stored,
      ruleId,
      decision: errorDecision(
        { ...initialMemory(now), state: stored.unreadable.state ?? 'OK' },
        stored.unreadable.problem,
        stored.unreadable.error,
        now,
      ),
      unreadable: stored.unreadable.problem,
    };
  }
  if (!item.rule) {
    const error = observation.ok ? 'invalid rule' : observation.error;
    return {
      rule: stored,
      ruleId,
      decision: errorDecision(stored.memory, error, stored.memory?.error ?? null, now),
    };
  }
  try {
    return {
      rule: stored,
      ruleId,
      decision: evaluateRule(item.rule, stored.memory, observation, now),
      parsed: item.rule,
    };
  } catch (error) {
    // A bug in deciding one rule must not cost the others their evaluation.
    const reason = `the evaluation failed: ${(error as Error)?.name}: ${(error as Error)?.message}`.slice(
      0,
      500,
    );
    return {
      rule: stored,
      ruleId,
      decision: errorDecision(stored.memory, reason, stored.memory?.error ?? null, now),
      parsed: item.rule,
    };
  }
}

/** A rule in ERROR keeps its memory (or starts one) and shows the reason; it neither fires nor resolves. */
function errorDecision(
  before: Decision['memory'] | undefined,
  error: string,
  known: string | null,
  now: Date,
): Decision {
  const memory = before ?? initialMemory(now);
  return {
    memory: { ...memory, lastEvaluatedAt: now, error, errorSince: memory.errorSince ?? now },
    newError: known === null,
    reason: `error: ${error}`,
  };
}

function toWrite(outcome: RuleOutcome, now: Date, context: AlertContext): RuleWrite {
  const { decision, parsed } = outcome;
  const base = { ruleId: outcome.ruleId, expectedVersion: outcome.rule.version };
  if (outcome.unreadable) return { ...base, error: { reason: outcome.unreadable, at: now } };
  const write = { ...base, memory: decision.memory };
  if (!decision.notification || !parsed) return write;
  try {
    const message = buildAlertMessage(parsed, decision.memory, decision.notification, now, context);
    const episodeStart = decision.memory.episodeStartedAt ?? now;
    return {
      ...write,
      notification: { kind: decision.notification, dedupKey: dedupKeyOf(parsed, episodeStart), message },
    };
  } catch (error) {
    // The schema refused what the rule holds: the rule shows the reason instead of a message nobody gets,
    // and its episode counts as not announced, so that the FIRING goes out once the rule is fixed.
    const reason = `alert message refused: ${(error as Error).message}`.slice(0, 500);
    return { ...write, memory: { ...decision.memory, announced: false, error: reason, errorSince: now } };
  }
}
