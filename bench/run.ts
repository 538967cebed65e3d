/**
 * `npm run bench`: bundle sizes, cold loads, warm overhead, log bytes per request and the health benchmark,
 * side by side in one run. Prints tables and writes bench/results.json (read by `npm run cost`).
 * `npm run bench -- --quick` runs fewer iterations, for trying the benchmark out (not for the figures).
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ACCESS_LOG_FORMAT } from '../lib/access-log-format';
import { createTestDatabase, type TestDatabase } from '../test/support/postgres';
import { estimateAccessLogBytes } from './access-log';
import { type BundleResult, bundle, functionDirs, handlerEntry, ROOT, sideBundleEntries } from './bundle';
import { PRODUCTION_ENV } from './child';
import { coldLoadOnce, coldLoads } from './cold-load';
import type { EvaluatorRunFigures } from './evaluator';
import { type LogBytesResult, logBytes, type Scenario } from './log-bytes';
import { benchmarkScrubbing, scrubbingReport } from './scrubbing';
import { startSentryStandIn } from './sentry-server';
import { type ShutdownHookFigures, shutdownHookReport } from './shutdown-hook';
import { kb, table } from './table';
import { warmOverhead } from './warm-overhead';

const BUILD_DIR = path.join(ROOT, 'bench', '.build');
const RESULTS_FILE = path.join(ROOT, 'bench', 'results.json');
const REFERENCES = path.join(ROOT, 'bench', 'references');

export const BUDGETS = {
  warmOverheadMedianMs: 0.15,
  coldLoadRatioToNaive: 0.5,
  /** Functions held to a tighter cold-load ratio than coldLoadRatioToNaive: the API answers people. */
  coldLoadRatioByFunction: { api: 0.4 } as Record<string, number>,
  successLogBytesPerRequest: 116,
};

/** The cold-load budget of a function, as a ratio to the naive composition. */
export function coldLoadBudget(name: string): number {
  return BUDGETS.coldLoadRatioByFunction[name] ?? BUDGETS.coldLoadRatioToNaive;
}

/** The mix scenario: one 5xx in this many requests (the cost model's default 5% error responses). */
const MIX_ERROR_EVERY = 20;

const quick = process.argv.includes('--quick');
const settings = {
  coldRuns: quick ? 3 : 7,
  warmInvocations: quick ? 2_000 : 10_000,
  logRequests: {
    success: quick ? 300 : 2_000,
    clientError: quick ? 200 : 1_000,
    serverError: quick ? 100 : 500,
    mix: quick ? 400 : 2_000,
  },
};

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

interface Built extends BundleResult {
  kind: 'function' | 'side' | 'reference';
  /** Set when the bundle had to be rebuilt for the local Node.js to load it. */
  note?: string;
}

async function buildAll(env: Record<string, string>): Promise<Built[]> {
  const built: Built[] = [];
  const entries = [
    ...functionDirs().map((name) => ({ name, entry: handlerEntry(name), kind: 'function' as const })),
    ...sideBundleEntries().map(({ name, entry }) => ({ name, entry, kind: 'side' as const })),
    { name: 'empty-handler', entry: path.join(REFERENCES, 'empty-handler.ts'), kind: 'reference' as const },
    { name: 'naive-api', entry: path.join(REFERENCES, 'naive-api-handler.ts'), kind: 'reference' as const },
    { name: 'warm-observed', entry: path.join(REFERENCES, 'warm-observed.ts'), kind: 'reference' as const },
    { name: 'warm-naive', entry: path.join(REFERENCES, 'warm-naive.ts'), kind: 'reference' as const },
    { name: 'api-with-flush', entry: path.join(REFERENCES, 'api-with-flush.ts'), kind: 'reference' as const },
  ];
  for (const { name, entry, kind } of entries) {
    let result: Built = { ...(await bundle(name, entry, BUILD_DIR)), kind };
    try {
      await coldLoadOnce(result.outfile, env);
    } catch (error) {
      // The deployed bundle targets Node 24; this machine runs an older Node.js.
      const reason = (error as Error).message.split('\n')[0] ?? '';
      const local = `node${process.versions.node.split('.')[0]}`;
      result = { ...(await bundle(name, entry, BUILD_DIR, local)), kind };
      result.note = `rebuilt with target ${local} to load on Node ${process.versions.node} (${reason.slice(0, 120)})`;
    }
    built.push(result);
  }
  return built;
}

async function optionalBenchmark<T>(file: string, exportName: string): Promise<T | undefined> {
  if (!existsSync(path.join(ROOT, 'bench', `${file}.ts`))) return undefined;
  const module = (await import(`./${file}`)) as Record<string, unknown>;
  const run = module[exportName];
  if (typeof run !== 'function') return undefined;
  return (await run()) as T;
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const sentry = await startSentryStandIn();
  let database: TestDatabase | undefined;
  try {
    const coldEnv = { ...PRODUCTION_ENV, SENTRY_DSN: sentry.dsn };
    log('building bundles with the settings of lib/bundling.ts');
    await rm(BUILD_DIR, { recursive: true, force: true });
    const built = await buildAll(coldEnv);
    const file = (name: string) => built.find((result) => result.name === name)?.outfile ?? '';
    const functions = built.filter((result) => result.kind === 'function');

    log(`cold loads: ${settings.coldRuns} fresh processes per bundle`);
    const cold = await coldLoads(
      [...functions, ...built.filter((result) => ['empty-handler', 'naive-api'].includes(result.name))].map(
        ({ name, outfile }) => ({ name, file: outfile }),
      ),
      coldEnv,
      settings.coldRuns,
    );

    log(`warm overhead: ${settings.warmInvocations} invocations per path and configuration`);
    const warm = [];
    for (const dsn of [undefined, sentry.dsn]) {
      warm.push(
        await warmOverhead('withObservability', file('warm-observed'), dsn, settings.warmInvocations),
      );
      warm.push(await warmOverhead('naive', file('warm-naive'), dsn, settings.warmInvocations));
    }

    log('log bytes per request');
    let databaseUrl: string | undefined;
    try {
      database = await createTestDatabase();
      databaseUrl = database.url;
    } catch (error) {
      log(`Postgres is not reachable (${(error as Error).message}): success requests will fail`);
    }
    const logs: LogBytesResult[] = [];
    const scenarios: Scenario[] = ['success', 'clientError', 'serverError', 'mix'];
    for (const dsn of [undefined, sentry.dsn]) {
      for (const scenario of scenarios) {
        logs.push(
          await logBytes({
            subject: 'withObservability',
            bundleFile: file('api-with-flush'),
            scenario,
            requests: settings.logRequests[scenario],
            dsn,
            databaseUrl,
            mixErrorEvery: MIX_ERROR_EVERY,
          }),
        );
      }
    }
    for (const scenario of ['success', 'clientError', 'serverError'] as const) {
      logs.push(
        await logBytes({
          subject: 'naive',
          bundleFile: file('naive-api'),
          scenario,
          requests: settings.logRequests[scenario],
          dsn: sentry.dsn,
          databaseUrl,
        }),
      );
    }
    const accessLog = estimateAccessLogBytes(ACCESS_LOG_FORMAT);

    log('health and evaluator benchmarks (when present)');
    // The health benchmark serves the local server against DATABASE_URL: the benchmark's database.
    const savedDatabaseUrl = process.env.DATABASE_URL;
    if (databaseUrl && !savedDatabaseUrl) process.env.DATABASE_URL = databaseUrl;
    const health = await optionalBenchmark<Record<string, number>>('health', 'benchmarkHealth').finally(
      () => {
        if (savedDatabaseUrl === undefined) delete process.env.DATABASE_URL;
      },
    );
    const evaluator = await optionalBenchmark<EvaluatorRunFigures[]>('evaluator', 'benchmarkEvaluator');
    const metricsExporter = await optionalBenchmark<Record<string, number>>(
      'metrics-exporter',
      'benchmarkMetricsExporter',
    );

    log('scrubbing: the secrets corpus, one log string, and adversarial texts of 256 KB');
    const scrubbing = benchmarkScrubbing(quick ? 2 : 5);
    log('shutdown hook: the SIGTERM extension at cold start, per invocation and at shutdown');
    const shutdownHook = await optionalBenchmark<ShutdownHookFigures>(
      'shutdown-hook',
      'benchmarkShutdownHook',
    );

    const naiveCold = cold.find((result) => result.name === 'naive-api')?.medianMs ?? Number.NaN;
    const results = {
      generatedAt: new Date().toISOString(),
      command: quick ? 'npm run bench -- --quick' : 'npm run bench',
      machine: { node: process.versions.node, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '' },
      budgets: BUDGETS,
      bundles: built.map(({ outfile, ...rest }) => ({ ...rest, outfile: path.relative(ROOT, outfile) })),
      coldLoad: cold.map((result) => ({
        ...result,
        ratioToNaive: Math.round((result.medianMs / naiveCold) * 100) / 100,
      })),
      warmOverhead: warm,
      sentryEnvelopesReceived: sentry.envelopes(),
      logBytes: logs,
      mixErrorShare: 1 / MIX_ERROR_EVERY,
      accessLog: { format: ACCESS_LOG_FORMAT, ...accessLog },
      health,
      evaluator,
      metricsExporter,
      scrubbing,
      shutdownHook,
      durationSeconds: 0,
    };
    results.durationSeconds = Math.round((performance.now() - startedAt) / 1_000);
    await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${report(results)}\n`);
    log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)} in ${results.durationSeconds} s`);
  } finally {
    await database?.drop();
    await sentry.close();
  }
}

type Results = {
  bundles: (Built & { outfile: string })[];
  coldLoad: {
    name: string;
    medianMs: number;
    minMs: number;
    ratioToNaive: number;
    sentryEvaluatedAtLoad: boolean;
  }[];
  warmOverhead: Awaited<ReturnType<typeof warmOverhead>>[];
  logBytes: LogBytesResult[];
  accessLog: { successBytes: number; errorBytes: number; sample: string };
  health?: Record<string, number>;
  evaluator?: EvaluatorRunFigures[];
  metricsExporter?: Record<string, number>;
  scrubbing?: ReturnType<typeof benchmarkScrubbing>;
  shutdownHook?: ShutdownHookFigures;
  machine: { node: string; cpus: number };
};

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

export function report(results: Results): string {
  const sections: string[] = [];
  sections.push(
    `Bundles (esbuild, settings of lib/bundling.ts; side: loaded on first use, beside every handler)\n${table(
      ['bundle', 'minified', 'gzip', 'target', 'biggest inputs'],
      results.bundles
        .filter((b) => b.kind !== 'reference' || b.name === 'naive-api' || b.name === 'empty-handler')
        .map((b) => [
          b.name,
          kb(b.minifiedBytes),
          kb(b.gzipBytes),
          b.target,
          b.biggestInputs
            .slice(0, 4)
            .map((input) => `${input.name} ${kb(input.bytes)}`)
            .join(', '),
        ]),
    )}`,
  );
  const notes = results.bundles.filter((b) => b.note).map((b) => `  ${b.name}: ${b.note}`);
  if (notes.length > 0) sections.push(`Notes:\n${notes.join('\n')}`);

  const functionNames = new Set(results.bundles.filter((b) => b.kind === 'function').map((b) => b.name));
  sections.push(
    `Cold load: median import time in a fresh Node ${results.machine.node} process\n${table(
      ['bundle', 'median ms', 'min ms', '× naive', 'Sentry evaluated at load', 'budget (× naive)'],
      results.coldLoad.map((c) => [
        c.name,
        c.medianMs.toFixed(1),
        c.minMs.toFixed(1),
        c.ratioToNaive.toFixed(2),
        c.sentryEvaluatedAtLoad ? 'yes' : 'no',
        functionNames.has(c.name)
          ? `≤ ${coldLoadBudget(c.name)} ${verdict(c.ratioToNaive <= coldLoadBudget(c.name))}`
          : '',
      ]),
    )}`,
  );

  sections.push(
    `Warm overhead per invocation (wrapped − bare handler, ms)\n${table(
      [
        'wrapper',
        'Sentry DSN',
        'success median',
        'success p99',
        'error median',
        'error p99',
        `budget < ${BUDGETS.warmOverheadMedianMs} ms`,
      ],
      results.warmOverhead.map((w) => [
        w.wrapper,
        w.sentryDsn ? 'set' : 'unset',
        w.success.overheadMedianMs.toFixed(3),
        w.success.overheadP99Ms.toFixed(3),
        w.error.overheadMedianMs.toFixed(3),
        w.error.overheadP99Ms.toFixed(3),
        w.wrapper === 'withObservability' && w.sentryDsn
          ? verdict(w.success.overheadMedianMs < BUDGETS.warmOverheadMedianMs)
          : '',
      ]),
    )}`,
  );

  sections.push(
    `Log bytes per request (stdout + stderr, EMF included, production log level INFO, flush every 60 s)\n${table(
      [
        'subject',
        'requests',
        'Sentry DSN',
        'bytes/request',
        'of which EMF',
        'lines/request',
        'statuses',
        `budget ≤ ${BUDGETS.successLogBytesPerRequest}`,
      ],
      results.logBytes.map((l) => [
        l.subject,
        `${l.scenario} ×${l.requests}`,
        l.sentryDsn ? 'set' : 'unset',
        l.bytesPerRequest.toFixed(1),
        l.emfBytesPerRequest.toFixed(1),
        l.linesPerRequest.toFixed(3),
        Object.entries(l.statuses)
          .map(([status, count]) => `${status}:${count}`)
          .join(' '),
        l.subject === 'withObservability' && l.scenario === 'success'
          ? verdict(l.bytesPerRequest <= BUDGETS.successLogBytesPerRequest)
          : '',
      ]),
    )}\nAPI Gateway access log (estimated from ACCESS_LOG_FORMAT, reported separately): ${results.accessLog.successBytes} bytes per 2xx, ${results.accessLog.errorBytes} per 5xx\n  ${results.accessLog.sample}`,
  );

  if (results.health) {
    const h = results.health;
    sections.push(
      `Health (/health through the local server): ${h.requests} requests at ${h.concurrency} concurrent: p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, ${h.errors} errors`,
    );
  } else {
    sections.push('Health: bench/health.ts not present, skipped');
  }
  const mx = results.metricsExporter;
  if (mx)
    sections.push(
      `/metrics (exporter handler, ${mx.samples} samples from Redis, ${mx.calls} calls): p50 ${mx.p50Ms} ms, p99 ${mx.p99Ms} ms, ${mx.errors} errors`,
    );
  sections.push(
    results.evaluator
      ? `Alert evaluator (one run; budgets: steady run of 1,000 rules < 1,000 ms, GetMetricData calls ≤ 2 per 500 distinct metrics, SQL round trips constant)\n${table(
          [
            'rules',
            'distinct metrics',
            'first run ms',
            'steady run ms',
            'SQL round trips',
            'GetMetricData calls',
            'budget',
          ],
          results.evaluator.map((e) => [
            e.rules,
            e.distinctMetrics,
            e.firstRunMs,
            e.steadyRunMs,
            e.sqlRoundTrips,
            e.getMetricDataCalls,
            `≤ ${e.getMetricDataBudget} ${verdict(e.getMetricDataCalls <= e.getMetricDataBudget)}`,
          ]),
        )}`
      : 'Evaluator: bench/evaluator.ts not present, skipped',
  );
  if (results.scrubbing) sections.push(scrubbingReport(results.scrubbing));
  sections.push(
    results.shutdownHook
      ? shutdownHookReport(results.shutdownHook)
      : 'Shutdown hook: bench/shutdown-hook.ts not present, skipped',
  );
  return sections.join('\n\n');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
