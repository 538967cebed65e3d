/**
 * `npm run cost`: the monthly cost of the monitoring stack at a given traffic, from the synthesized template
 * (`npm run synth` first) and the benchmark's measured log bytes (bench/results.json). `npm run cost -- --help`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { estimateAccessLogBytes } from '../bench/access-log';
import { table } from '../bench/table';
import { type Assumptions, DEFAULT_ASSUMPTIONS } from './cost/assumptions';
import { alwaysFreeCredit } from './cost/free-tier';
import { readMeasured } from './cost/measured';
import { customMetricFamilies, queryTypesInCode } from './cost/metric-catalog';
import { monthlyCost, type Prices, total } from './cost/model';
import { readInventory, type StackInventory, type Template } from './cost/template';

const ROOT = path.resolve(__dirname, '..');
export const GOAL_USD = 30;

const FLAGS: Record<keyof Assumptions, string> = {
  requestsPerSecond: 'requests-per-second',
  organisations: 'organisations',
  errorRate: 'error-rate',
  alertRules: 'alert-rules',
  evaluationIntervalSeconds: 'evaluation-interval-seconds',
  healthChecksPerMinute: 'health-checks-per-minute',
  metricsScrapesPerMinute: 'metrics-scrapes-per-minute',
  alertsPerDay: 'alerts-per-day',
  warmEnvironments: 'warm-environments',
  rareMetricHourShare: 'rare-metric-hour-share',
  metricsExportEveryMinutes: 'metrics-export-every-minutes',
};

function usage(): string {
  const lines = Object.entries(FLAGS).map(
    ([key, flag]) => `  --${flag.padEnd(30)} default ${DEFAULT_ASSUMPTIONS[key as keyof Assumptions]}`,
  );
  return [
    'Usage: npm run cost -- [flags]',
    '  --template FILE                  default cdk.out/SignUpFlowMonitoring-*.template.json',
    '  --results FILE                   default bench/results.json',
    ...lines,
  ].join('\n');
}

export function parseAssumptions(args: string[]): {
  assumptions: Assumptions;
  /** The assumptions given as flags: they win over the template's settings. */
  given: Set<keyof Assumptions>;
  template?: string;
  results?: string;
  help: boolean;
} {
  const options = Object.fromEntries(Object.values(FLAGS).map((flag) => [flag, { type: 'string' as const }]));
  const { values } = parseArgs({
    args,
    options: {
      ...options,
      template: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const assumptions = { ...DEFAULT_ASSUMPTIONS };
  const given = new Set<keyof Assumptions>();
  for (const [key, flag] of Object.entries(FLAGS) as [keyof Assumptions, string][]) {
    const raw = (values as Record<string, string | boolean | undefined>)[flag];
    if (typeof raw !== 'string') continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`--${flag} must be a number >= 0, got '${raw}'`);
    assumptions[key] = value;
    given.add(key);
  }
  if (assumptions.errorRate > 1) throw new Error('--error-rate is a share from 0 to 1, e.g. 0.05');
  if (assumptions.rareMetricHourShare > 1) throw new Error('--rare-metric-hour-share is a share from 0 to 1');
  if (assumptions.evaluationIntervalSeconds === 0)
    throw new Error('--evaluation-interval-seconds must be above 0');
  if (assumptions.metricsExportEveryMinutes === 0)
    throw new Error('--metrics-export-every-minutes must be above 0');
  return {
    assumptions,
    given,
    template: values.template as string | undefined,
    results: values.results as string | undefined,
    help: values.help === true,
  };
}

export function findTemplate(cdkOut = path.join(ROOT, 'cdk.out')): string {
  let files: string[] = [];
  try {
    files = readdirSync(cdkOut).filter((file) => /^SignUpFlowMonitoring-.*\.template\.json$/.test(file));
  } catch {
    // no cdk.out yet
  }
  // The quick start's traffic is production's: its template, when synthesized, is the one to price.
  const first =
    files.find((file) => file === 'SignUpFlowMonitoring-production.template.json') ?? files.sort()[0];
  if (!first) {
    throw new Error(
      `No synthesized template in ${cdkOut}: run \`npm run synth\` first (no AWS account needed).`,
    );
  }
  return path.join(cdkOut, first);
}

/**
 * Bytes of one access log line of the stage's format (a CLF-like line or JSON: the format string with each
 * `$context` variable replaced by a typical value), for a 2xx and a 5xx; 0 without access logs.
 */
export function accessLogBytesOf(format: string | undefined): { success: number; error: number } {
  if (!format) return { success: 0, error: 0 };
  const estimate = estimateAccessLogBytes(format);
  return { success: estimate.successBytes, error: estimate.errorBytes };
}

/**
 * What the template says of the evaluator's schedule and export (its environment), in place of the
 * assumptions' defaults: the stage's own settings are priced unless a flag says otherwise.
 */
export function settingsInTemplate(inventory: StackInventory): Partial<Assumptions> {
  const evaluator = inventory.functions.find((fn) => fn.functionDir === 'alert-evaluator');
  const positive = (raw: string | undefined) => {
    const value = Number(raw);
    return raw !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const settings: Partial<Assumptions> = {};
  const interval = positive(evaluator?.environment.ALERT_EVALUATION_INTERVAL);
  const exportEvery = positive(evaluator?.environment.METRICS_EXPORT_EVERY_MINUTES);
  if (interval !== undefined) settings.evaluationIntervalSeconds = interval;
  if (exportEvery !== undefined) settings.metricsExportEveryMinutes = exportEvery;
  return settings;
}

/** The assumptions priced: the defaults, then the template's own settings, then the flags given. */
export function pricedAssumptions(
  parsed: Pick<ReturnType<typeof parseAssumptions>, 'assumptions' | 'given'>,
  inventory: StackInventory,
): Assumptions {
  const assumptions = { ...parsed.assumptions };
  for (const [key, value] of Object.entries(settingsInTemplate(inventory)) as [keyof Assumptions, number][]) {
    if (!parsed.given.has(key)) assumptions[key] = value;
  }
  return assumptions;
}

export const SENSITIVITY = { errorRates: [0.001, 0.01, 0.05], alertRules: [10, 100] };

/** Totals at each error rate (rows) and number of alert rules (columns). */
export function sensitivityTable(totalWith: (overrides: Partial<Assumptions>) => number): string {
  return table(
    ['5xx share', ...SENSITIVITY.alertRules.map((rules) => `${rules} rules`)],
    SENSITIVITY.errorRates.map((errorRate) => [
      `${(errorRate * 100).toFixed(1)}%`,
      ...SENSITIVITY.alertRules.map((alertRules) => usd(totalWith({ errorRate, alertRules }))),
    ]),
  );
}

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function main(): void {
  const parsed = parseAssumptions(process.argv.slice(2));
  if (parsed.help) {
    console.log(usage());
    return;
  }
  const templateFile = parsed.template ?? findTemplate();
  const prices = JSON.parse(readFileSync(path.join(__dirname, 'cost', 'prices.json'), 'utf8')) as Prices;
  const inventory = readInventory(JSON.parse(readFileSync(templateFile, 'utf8')) as Template);
  const metricFamilies = customMetricFamilies(inventory, queryTypesInCode(path.join(ROOT, 'lambdas')));
  const measured = readMeasured(parsed.results ?? path.join(ROOT, 'bench', 'results.json'));
  const assumptions = pricedAssumptions(parsed, inventory);
  const costWith = (overrides: Partial<Assumptions>) =>
    monthlyCost({
      inventory,
      metricFamilies,
      measured,
      accessLogBytes: accessLogBytesOf(inventory.accessLogFormat),
      assumptions: { ...assumptions, ...overrides },
      prices,
    });
  const items = costWith({});
  const sum = total(items);
  const out = [
    `Monthly cost of the monitoring stack: ${assumptions.requestsPerSecond} requests/s, ${assumptions.organisations} organisations (no metric or log is per organisation), ${(assumptions.errorRate * 100).toFixed(1)}% 5xx, ${assumptions.alertRules} alert rules`,
    `Template: ${path.relative(process.cwd(), templateFile)}; measured log bytes: ${measured.source}`,
    `Prices: AWS list prices, ${prices.region}, as of ${prices.asOf} (scripts/cost/prices.json), no free tier`,
    '',
    table(
      ['service', 'item', 'quantity / month', 'USD / month'],
      [
        ...items.map((item) => [item.service, item.item, item.quantity, usd(item.monthlyUsd)]),
        ['', 'total', '', usd(sum)],
      ],
    ),
    '',
    `Custom metrics: ${metricFamilies.map((family) => `${family.name} ${family.series.length}`).join(', ')}`,
    `Goal: below $${GOAL_USD} a month: ${sum < GOAL_USD ? 'met' : `MISSED by ${usd(sum - GOAL_USD)}`}`,
    `With AWS's always-free tier (3 dashboards, 10 custom metrics, 10 alarm metrics, 5 GB of logs, 100,000 traces, 20,000 KMS requests), were this stack its account's only user: ${usd(sum - alwaysFreeCredit(items, prices))}`,
    '',
    `Sensitivity: total per month by 5xx share and alert rules (the other figures as above)`,
    sensitivityTable((overrides) => total(costWith(overrides))),
  ];
  console.log(out.join('\n'));
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
