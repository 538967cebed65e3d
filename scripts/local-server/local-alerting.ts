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
import {
  type AlertRule,
  alertRuleColumnsSchema,
  ruleMetric,
  toAlertRule,
} from '../../lambdas/alert-evaluator/rule';
import { RuleStore, type StoredRule } from '../../lambdas/alert-evaluator/rule-store';
import { type RunSummary, runEvaluation } from '../../lambdas/alert-evaluator/run-evaluation';
import { onRequestRecorded } from '../../lambdas/shared/with-observability';
import { LocalAlertPublisher } from './local-alert-publisher';
import { LocalMetricSource } from './local-metric-source';
import type { RuleView, StatusView } from './status-page';

export interface LocalAlerting {
  /** One evaluation now (the timer calls it every interval). */
  evaluateNow(): Promise<RunSummary>;
  /** Each rule with its state and last hour, and the last alerts: what the status page shows. */
  rulesAndAlerts(): Promise<Pick<StatusView, 'rules' | 'alerts'>>;
  stop(): Promise<void>;
}

export interface LocalAlertingOptions {
  intervalSeconds: number;
  log: (line: string) => void;
  /** The clock of the metric store and the evaluator; tests move it. */
  now?: () => Date;
}

export function startLocalAlerting(options: LocalAlertingOptions): LocalAlerting {
  const now = options.now ?? (() => new Date());
  const source = new LocalMetricSource(() => now().getTime());
  const stopRecording = onRequestRecorded(({ endpoint, method, status_code }, seconds) =>
    source.record({ endpoint, method, statusCode: status_code, seconds }),
  );
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  pool.on('error', (error) => options.log(`alerting: an idle Postgres connection failed: ${error.message}`));
  const store = new RuleStore(
    { query: (_type, text, values) => pool.query(text, values) },
    { claimSeconds: options.intervalSeconds * 2 },
  );
  const publisher = new LocalAlertPublisher(options.log);

  const deployment = {
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SignUpFlow/local',
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
    httpApiId: 'local',
    functionNames: {},
  };
  const evaluateNow = () =>
    runEvaluation({
      store,
      source,
      publisher,
      deployment,
      context: {
        service: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
        stage: process.env.STAGE ?? 'local',
      },
      now,
      report: (message, details) => options.log(`alerting: ${message} ${JSON.stringify(details)}`),
    });

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = evaluateNow().catch((error: Error) =>
      options.log(`alerting: evaluation failed: ${error.message}`),
    );
  }, options.intervalSeconds * 1_000);
  timer.unref();

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
  for (const { columns, memory } of rules) {
    const parsed = alertRuleColumnsSchema.safeParse(columns);
    const rule = parsed.success ? toAlertRule(parsed.data) : undefined;
    views.push({
      id: String(columns.id),
      name: String(columns.name),
      state: memory ? (memory.error ? 'ERROR' : memory.state) : 'not evaluated yet',
      error: memory?.error ?? (parsed.success ? null : 'invalid rule'),
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

async function lastAlerts(pool: pg.Pool): Promise<StatusView['alerts']> {
  const { rows } = await pool.query<{
    created_at: Date;
    kind: string;
    message: { ruleName?: string };
    published_at: Date | null;
    last_error: string | null;
  }>(
    'SELECT created_at, kind, message, published_at, last_error FROM alert_notifications ORDER BY id DESC LIMIT 10',
  );
  return rows.map((row) => ({
    at: row.created_at,
    kind: row.kind,
    ruleName: String(row.message?.ruleName ?? ''),
    delivered: row.published_at !== null,
    problem: row.last_error,
  }));
}
