import { type AlertRuleColumns, parseRuleColumns } from '../../lambdas/alert-evaluator/rule';

/** `npm run rules -- add` flags to the columns of `alert_rules`. */
const FLAG_COLUMNS = {
  id: 'id',
  name: 'name',
  source: 'source',
  metric: 'metric_name',
  'flux-query': 'flux_query',
  condition: 'condition',
  threshold: 'threshold',
  severity: 'severity',
  'cloudwatch-namespace': 'cloudwatch_namespace',
  'cloudwatch-metric': 'cloudwatch_metric_name',
  period: 'period_seconds',
  statistic: 'statistic',
  'evaluation-periods': 'evaluation_periods',
  'datapoints-to-alarm': 'datapoints_to_alarm',
  'treat-missing-data': 'treat_missing_data',
  'keep-firing-for': 'keep_firing_for_seconds',
  'repeat-interval': 'repeat_interval_seconds',
  description: 'description',
  'runbook-url': 'runbook_url',
  'slack-channel': 'slack_channel',
} as const;

const NUMERIC_COLUMNS = new Set([
  'threshold',
  'period_seconds',
  'evaluation_periods',
  'datapoints_to_alarm',
  'keep_firing_for_seconds',
  'repeat_interval_seconds',
]);

export const ADD_FLAGS = [...Object.keys(FLAG_COLUMNS), 'channels', 'dimension', 'disabled'] as const;

/** Numbers as numbers when they are numbers; anything else stays text for the schema to name. */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text;
}

/**
 * A rule from the flags of `add`, validated as the evaluator validates rows: `--channels slack,email`,
 * `--dimension endpoint=/api/events` (repeatable), `--disabled`.
 */
export function ruleFromFlags(
  flags: Record<string, string | string[] | boolean | undefined>,
): AlertRuleColumns {
  const columns: Record<string, unknown> = {};
  for (const [flag, column] of Object.entries(FLAG_COLUMNS)) {
    const value = flags[flag];
    if (typeof value !== 'string') continue;
    columns[column] = NUMERIC_COLUMNS.has(column) ? numberOrText(value) : value;
  }
  if (typeof flags.channels === 'string')
    columns.notification_channels = flags.channels.split(',').map((c) => c.trim());
  const dimensions = Array.isArray(flags.dimension) ? flags.dimension : [];
  if (dimensions.length > 0) {
    columns.metric_dimensions = Object.fromEntries(
      dimensions.map((pair) => {
        const separator = pair.indexOf('=');
        if (separator <= 0) throw new Error(`--dimension: expected key=value, got '${pair}'`);
        return [pair.slice(0, separator), pair.slice(separator + 1)];
      }),
    );
  }
  if (flags.disabled === true) columns.enabled = false;
  return parseRuleColumns(columns);
}
