import { parseArgs } from 'node:util';
import type { FluxSource } from '../../lambdas/alert-evaluator/flux-source';
import type { Deployment } from '../../lambdas/alert-evaluator/metric-catalogue';
import type { MetricSource } from '../../lambdas/alert-evaluator/metric-source';
import { RuleStore, type SqlClient, type StoredRule } from '../../lambdas/alert-evaluator/rule-store';
import { decideRules } from '../../lambdas/alert-evaluator/run-evaluation';
import { ADD_FLAGS, ruleFromFlags } from './rule-input';
import { formatTable } from './rule-table';

export interface RulesCommandDependencies {
  db: SqlClient;
  /** Only `test` reads metrics. */
  source: () => MetricSource;
  /** Flux rules' InfluxDB, when configured. */
  flux?: () => Promise<FluxSource | undefined>;
  deployment: Deployment;
  now: () => Date;
}

export const USAGE = `Usage: npm run rules -- <command>
  list                              every rule with its state, and the notifications not delivered
  add --id ID --name NAME --metric METRIC --condition OP --threshold N --severity SEVERITY
      [--channels slack,email] [--dimension key=value ...] [--period 60] [--statistic p99]
      [--evaluation-periods 3] [--datapoints-to-alarm 3] [--treat-missing-data missing]
      [--keep-firing-for 0] [--repeat-interval 14400] [--description TEXT] [--runbook-url https://...]
      [--slack-channel #name] [--cloudwatch-namespace NS --cloudwatch-metric NAME] [--disabled]
      [--source influxdb --flux-query 'from(bucket: "monitoring") |> ...' (metric: what it measures)]
  enable ID | disable ID | delete ID
  mute ID --until 2026-12-01T09:00:00Z|30m|2h|1d
  unmute ID
  test                              what each enabled rule would decide now, and why (writes nothing)
docs/alert-rules.md explains every field.`;

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Runs one command; returns what to print. Bad input throws `UsageError` or `InvalidRuleError`. */
export async function runRulesCommand(argv: string[], deps: RulesCommandDependencies): Promise<string> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseFlags(rest);
  const store = new RuleStore(deps.db);
  switch (command) {
    case 'list':
      return [
        listRules(await store.loadRules({ includeDisabled: true }), deps.now()),
        await undeliveredNotifications(deps.db),
      ]
        .filter(Boolean)
        .join('\n\n');
    case 'add':
      return addRule(deps.db, values);
    case 'enable':
    case 'disable':
      return updateRule(deps.db, positionals[0], 'enabled = $2', [command === 'enable'], `${command}d`);
    case 'mute': {
      const until = muteUntil(values.until, deps.now());
      return updateRule(
        deps.db,
        positionals[0],
        'muted_until = $2',
        [until],
        `muted until ${until.toISOString()}`,
      );
    }
    case 'unmute':
      return updateRule(deps.db, positionals[0], 'muted_until = NULL', [], 'unmuted');
    case 'delete':
      return deleteRule(deps.db, positionals[0]);
    case 'test':
      return testRules(await store.loadRules(), deps);
    default:
      throw new UsageError(command ? `Unknown command '${command}'.\n${USAGE}` : USAGE);
  }
}

function parseFlags(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        ...Object.fromEntries(ADD_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
        dimension: { type: 'string', multiple: true },
        disabled: { type: 'boolean' },
        until: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
}

async function addRule(
  db: SqlClient,
  flags: Record<string, string | string[] | boolean | undefined>,
): Promise<string> {
  const rule = ruleFromFlags(flags);
  const columns = Object.keys(rule);
  const values = Object.values(rule).map((value) =>
    value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value,
  );
  await db.query(
    'insert',
    `INSERT INTO alert_rules (${columns.join(', ')}) VALUES (${columns.map((_, index) => `$${index + 1}`).join(', ')})`,
    values,
  );
  return `Added ${rule.id}: ${rule.metric_name} ${rule.condition} ${rule.threshold} (${rule.severity})`;
}

function requireId(id: string | undefined): string {
  if (!id) throw new UsageError(`A rule id is required.\n${USAGE}`);
  return id;
}

async function updateRule(
  db: SqlClient,
  id: string | undefined,
  assignment: string,
  values: unknown[],
  done: string,
): Promise<string> {
  const ruleId = requireId(id);
  const { rows } = await db.query(
    'update',
    `UPDATE alert_rules SET ${assignment} WHERE id = $1 RETURNING id`,
    [ruleId, ...values],
  );
  if (rows.length === 0) throw new UsageError(`No rule with id '${ruleId}'`);
  return `${ruleId} ${done}`;
}

async function deleteRule(db: SqlClient, id: string | undefined): Promise<string> {
  const ruleId = requireId(id);
  const { rows } = await db.query('delete', 'DELETE FROM alert_rules WHERE id = $1 RETURNING id', [ruleId]);
  if (rows.length === 0) throw new UsageError(`No rule with id '${ruleId}'`);
  return `${ruleId} deleted`;
}

const DURATION_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--until` as a timestamp with a zone, or a duration from now: `30m`, `2h`, `1d`. */
export function muteUntil(text: string | undefined, now: Date): Date {
  if (!text)
    throw new UsageError('mute needs --until, a time such as 2026-12-01T09:00:00Z or a duration such as 2h');
  const duration = /^(\d{1,4})([mhd])$/.exec(text);
  if (duration)
    return new Date(now.getTime() + Number(duration[1]) * (DURATION_UNITS[duration[2] as string] ?? 0));
  const until = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)
    ? new Date(text)
    : new Date(Number.NaN);
  if (Number.isNaN(until.getTime())) {
    throw new UsageError(
      `--until: got '${text}', expected a time with its zone (2026-12-01T09:00:00Z) or 30m, 2h, 1d`,
    );
  }
  if (until.getTime() <= now.getTime()) throw new UsageError(`--until: ${text} is in the past`);
  return until;
}

function describeRule(columns: Record<string, unknown>): string {
  const dimensions = Object.entries((columns.metric_dimensions as Record<string, string>) ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  if (columns.source === 'influxdb')
    return `flux:${columns.metric_name} ${columns.condition} ${columns.threshold}`;
  const metric =
    columns.metric_name === 'cloudwatch'
      ? `${columns.cloudwatch_namespace}/${columns.cloudwatch_metric_name}`
      : String(columns.metric_name);
  return `${metric}${dimensions ? `{${dimensions}}` : ''} ${columns.condition} ${columns.threshold}`;
}

function listRules(rules: StoredRule[], now: Date): string {
  if (rules.length === 0) return 'No alert rules. Add one with: npm run rules -- add ...';
  const rows = rules.map(({ columns, memory, unreadable }) => {
    const mutedUntil =
      columns.muted_until instanceof Date && columns.muted_until > now ? columns.muted_until : null;
    const state = unreadable
      ? `ERROR (${unreadable.problem})`
      : memory?.error
        ? `ERROR (${memory.state}): ${memory.error}`
        : (memory?.state ?? 'never evaluated');
    return [
      String(columns.id),
      String(columns.name),
      describeRule(columns),
      String(columns.severity),
      ((columns.notification_channels as string[]) ?? []).join(','),
      `${columns.datapoints_to_alarm} of ${columns.evaluation_periods} × ${columns.period_seconds}s`,
      columns.enabled ? state : `disabled, ${state}`,
      memory?.lastValue === null || memory?.lastValue === undefined ? '-' : String(memory.lastValue),
      mutedUntil ? `until ${mutedUntil.toISOString()}` : '-',
    ];
  });
  return formatTable(
    ['ID', 'NAME', 'RULE', 'SEVERITY', 'CHANNELS', 'EVALUATION', 'STATE', 'VALUE', 'MUTED'],
    rows,
  );
}

/** Undelivered notifications the table lists: the newest first, at most this many. */
const SHOWN_UNDELIVERED = 20;

/**
 * Notifications still pending (retried every run, with their last error) and those given up in the last 7
 * days (refused for good, or expired), with why; empty when there are none.
 */
async function undeliveredNotifications(db: SqlClient): Promise<string> {
  const { rows } = await db.query<{
    id: string;
    rule_id: string;
    kind: string;
    outcome: string | null;
    attempts: number;
    last_error: string | null;
    created_at: Date;
  }>(
    'select',
    `SELECT id, rule_id, kind, outcome, attempts, last_error, created_at FROM alert_notifications
      WHERE outcome IS NULL OR (outcome IN ('failed', 'expired') AND settled_at > now() - interval '7 days')
      ORDER BY id DESC LIMIT ${SHOWN_UNDELIVERED + 1}`,
  );
  if (rows.length === 0) return '';
  const shown = rows
    .slice(0, SHOWN_UNDELIVERED)
    .map((row) => [
      String(row.rule_id),
      row.kind,
      row.outcome === null ? 'pending' : row.outcome === 'failed' ? 'failed (not retried)' : row.outcome,
      row.created_at.toISOString(),
      String(row.attempts),
      row.last_error ?? '-',
    ]);
  const more = rows.length > SHOWN_UNDELIVERED ? `\n(newest ${SHOWN_UNDELIVERED} shown)` : '';
  return `Notifications not delivered:\n${formatTable(['RULE', 'KIND', 'OUTCOME', 'QUEUED', 'ATTEMPTS', 'WHY'], shown)}${more}`;
}

async function testRules(rules: StoredRule[], deps: RulesCommandDependencies): Promise<string> {
  if (rules.length === 0) return 'No enabled alert rules.';
  const { outcomes } = await decideRules(
    rules,
    { source: deps.source(), deployment: deps.deployment, flux: await deps.flux?.() },
    deps.now(),
  );
  const rows = outcomes.map(({ ruleId, rule, decision }) => [
    ruleId,
    rule.memory?.state ?? 'new',
    decision.memory.error ? `ERROR (${decision.memory.state})` : decision.memory.state,
    decision.notification ?? '-',
    decision.reason,
  ]);
  return formatTable(['ID', 'NOW', 'WOULD BE', 'WOULD SEND', 'WHY'], rows);
}
