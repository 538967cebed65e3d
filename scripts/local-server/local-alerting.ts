/**
 * The quick start's alert loop on one machine: this process's requests in a local metric store, the
 * evaluator's own code every ALERT_EVALUATION_INTERVAL seconds against the same `alert_rules` table, and
 * each alert through the Slack notifier's own code to SLACK_WEBHOOK_URL, or readably on the console.
 */
import pg from 'pg';
import {
  catalogueEntry,
  type Deployment,
  type MetricName,
  type MetricQuery,
  resolveMetric,
} from '../../lambdas/alert-evaluator/metric-catalogue';
import { planQueries } from '../../lambdas/alert-evaluator/metric-plan';
import { OutboxStore } from '../../lambdas/alert-evaluator/outbox-store';
import {
  type AlertRule,
  alertRuleColumnsSchema,
  ruleMetric,
  toAlertRule,
} from '../../lambdas/alert-evaluator/rule';
import { RuleStore, type StoredRule } from '../../lambdas/alert-evaluator/rule-store';
import { RunDeadline } from '../../lambdas/alert-evaluator/run-deadline';
import {
  runScheduled,
  type ScheduledRunDependencies,
  type ScheduledRunSummary,
} from '../../lambdas/alert-evaluator/scheduled-run';
import { LAMBDA_POOL_SETTINGS } from '../../lambdas/shared/database';
import { onRequestRecorded } from '../../lambdas/shared/with-observability';
import { LocalAlertPublisher } from './local-alert-publisher';
import { LocalMetricSource } from './local-metric-source';
import type { RuleView, StatusView } from './status-page';

export interface LocalAlerting {
  /** One evaluation now (the timer calls it every interval). */
  evaluateNow(): Promise<ScheduledRunSummary>;
  /** Each rule with its state and last hour, and the last alerts: what the status page shows. */
  rulesAndAlerts(): Promise<Pick<StatusView, 'rules' | 'alerts'>>;
  stop(): Promise<void>;
}

export interface LocalAlertingOptions {
  intervalSeconds: number;
  log: (line: string) => void;
  /** The clock of the metric store and the evaluator; tests move it. */
  now?: () => Date;
  /** False: no timer, whoever started the loop calls `evaluateNow` (the soak, as its schedule). */
  timer?: boolean;
  /** The time each run has; 80% of the interval by default. */
  runBudgetMs?: number;
  /**
   * In place of the local stand-ins (this process's requests, the console or the notifier's code): the soak
   * runs the loop against AWS stand-ins with the production clients.
   */
  dependencies?: Partial<Pick<ScheduledRunDependencies, 'source' | 'publisher' | 'flux' | 'metricsExport'>>;
}

export function startLocalAlerting(options: LocalAlertingOptions): LocalAlerting {
  const now = options.now ?? (() => new Date());
  const source = new LocalMetricSource(() => now().getTime());
  const stopRecording = onRequestRecorded(({ endpoint, method, status_code }, seconds) =>
    source.record({ endpoint, method, statusCode: status_code, seconds }),
  );
  // The evaluator's own pool settings: a hung Postgres costs a run seconds, not the loop.
  const pool = new pg.Pool({ ...LAMBDA_POOL_SETTINGS, connectionString: process.env.DATABASE_URL });
  pool.on('error', (error) => options.log(`alerting: an idle Postgres connection failed: ${error.message}`));
  const sql = { query: (_type: string, text: string, values?: unknown[]) => pool.query(text, values) };
  const store = new RuleStore(sql);
  const outbox = new OutboxStore(sql, { claimSeconds: Math.max(60, options.intervalSeconds * 2) });
  const publisher = new LocalAlertPublisher(options.log);
  const runBudgetMs = options.runBudgetMs ?? options.intervalSeconds * 800;

  const deployment = {
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SignUpFlow/local',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
    httpApiId: 'local',
    functionNames: {},
  };
  const evaluateNow = () =>
    runScheduled({
      rules: store,
      outbox,
      source,
      publisher,
      ...options.dependencies,
      deployment,
      context: {
        service: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
        stage: process.env.STAGE ?? 'local',
      },
      now,
      deadline: new RunDeadline(runBudgetMs),
      report: (message, details) => options.log(`alerting: ${message} ${JSON.stringify(details)}`),
    });

  let running: Promise<unknown> = Promise.resolve();
  const timer =
    options.timer === false
      ? undefined
      : setInterval(() => {
          running = evaluateNow().catch((error: Error) =>
            options.log(`alerting: evaluation failed: ${error.message}`),
          );
        }, options.intervalSeconds * 1_000);
  timer?.unref();

  return {
    evaluateNow,
    rulesAndAlerts: async () => ({
      rules: await ruleViews(await store.loadRules({ includeDisabled: true }), source, deployment, now()),
      alerts: await lastAlerts(pool),
    }),
    stop: async () => {
      clearInterval(timer);
      stopRecording();
      await running;
      await pool.end();
    },
  };
}

const LAST_HOUR_MINUTES = 60;

/** Each rule as the status page shows it, with its metric's last hour from the local store. */
async function ruleViews(
  rules: StoredRule[],
  source: LocalMetricSource,
  deployment: Deployment,
  now: Date,
): Promise<RuleView[]> {
  const views: RuleView[] = [];
  for (const { columns, memory, unreadable } of rules) {
    const parsed = alertRuleColumnsSchema.safeParse(columns);
    const rule = parsed.success ? toAlertRule(parsed.data) : undefined;
    views.push({
      id: String(columns.id),
      name: String(columns.name),
      state: unreadable ? 'ERROR' : memory ? (memory.error ? 'ERROR' : memory.state) : 'not evaluated yet',
      error: unreadable?.problem ?? memory?.error ?? (parsed.success ? null : 'invalid rule'),
      lastValue: memory?.lastValue ?? null,
      condition: String(columns.condition),
      threshold: Number(columns.threshold),
      unit: rule?.source === 'cloudwatch' ? catalogueEntry(rule.metricName as MetricName).unit : '',
      lastHour: rule ? await lastHour(rule, source, deployment, now) : [],
    });
  }
  return views;
}

async function lastHour(
  rule: AlertRule,
  source: LocalMetricSource,
  deployment: Deployment,
  now: Date,
): Promise<(number | null)[]> {
  if (rule.source !== 'cloudwatch' || rule.periodSeconds !== 60) return [];
  let query: MetricQuery;
  try {
    query = resolveMetric(ruleMetric(rule), deployment);
  } catch {
    return [];
  }
  const [planned] = planQueries([{ query, periodSeconds: 60, rangePeriods: LAST_HOUR_MINUTES }]).queries;
  if (!planned) return [];
  const observation = (await source.fetch([planned], now)).get(planned.key);
  if (!observation?.ok) return [];
  const byStart = new Map(observation.datapoints.map((point) => [point.timestamp.getTime(), point.value]));
  return Array.from({ length: LAST_HOUR_MINUTES }, (_, index) => {
    const start = observation.periodEnd.getTime() - (LAST_HOUR_MINUTES - index) * 60_000;
    return byStart.get(start) ?? null;
  });
}

/** The last notifications, and what became of each: published, pending, failed for good, superseded, expired. */
async function lastAlerts(pool: pg.Pool): Promise<StatusView['alerts']> {
  const { rows } = await pool.query<{
    created_at: Date;
    kind: string;
    message: { ruleName?: string };
    outcome: 'published' | 'failed' | 'superseded' | 'expired' | null;
    last_error: string | null;
  }>(
    'SELECT created_at, kind, message, outcome, last_error FROM alert_notifications ORDER BY id DESC LIMIT 10',
  );
  return rows.map((row) => ({
    at: row.created_at,
    kind: row.kind,
    ruleName: String(row.message?.ruleName ?? ''),
    outcome: row.outcome ?? 'pending',
    problem: row.last_error,
  }));
}
