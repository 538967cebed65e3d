/**
 * `npx tsx bench/shutdown-hook.ts`: what the shutdown-signal extension costs. Each sample is a fresh Node
 * process started the way Lambda starts the runtime, against a Runtime API stand-in on 127.0.0.1, with and
 * without `NODE_OPTIONS=--import shutdown-signal-extension.mjs`, interleaved:
 * - cold start: from spawn to the runtime's first `invocation/next` (Lambda's init duration), with the API
 *   function's production bundle loaded at init;
 * - per invocation: the median and p99 of a `withObservability` handler's warm invocations;
 * - shutdown: from SIGTERM to exit, with one pending series per route of 50.
 */
import { execSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { esbuildOptions } from '../lib/bundling';
import { SHUTDOWN_SIGNAL_EXTENSION, shutdownSignalExtensionCommand } from '../lib/observed-function';
import { startRuntimeApiStandIn } from '../test/support/runtime-api-server';
import { handlerEntry, ROOT } from './bundle';
import { PRODUCTION_ENV } from './child';
import { median, percentile, round } from './stats';

const quick = process.argv.includes('--quick');
const PROCESSES = quick ? 6 : 30;
const INVOCATIONS = quick ? 500 : 5_000;
const ROUTES = 50;

/** The runtime in miniature: load the handler (init), ask for the first event, then time warm invocations. */
const RUNTIME = `
import { pathToFileURL } from 'node:url';
// Since the process started: Node's bootstrap plus whatever NODE_OPTIONS preloaded.
const mainStartMs = performance.now();
const cpu = process.cpuUsage();
const mainStartCpuMs = (cpu.user + cpu.system) / 1000;
let signalledAt;
process.prependListener('SIGTERM', () => { signalledAt = performance.now(); });
process.on('exit', () => process.stderr.write(JSON.stringify({ flushMs: performance.now() - signalledAt }) + '\\n'));
const api = process.env.AWS_LAMBDA_RUNTIME_API;
const subject = await import(pathToFileURL(process.env.BENCH_HANDLER).href);
await (await fetch('http://' + api + '/2018-06-01/runtime/invocation/next')).text();
const wrapped = subject.wrapped;
const invocations = Number(process.env.BENCH_INVOCATIONS);
const event = (route) => ({
  version: '2.0', routeKey: 'GET ' + route, rawPath: route, rawQueryString: '', headers: {},
  requestContext: { requestId: 'r', http: { method: 'GET', path: route, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, routeKey: 'GET ' + route, stage: '$default', timeEpoch: Date.now() },
  isBase64Encoded: false,
});
const context = { functionName: 'signupflow-production-api', awsRequestId: 'a', getRemainingTimeInMillis: () => 10000 };
const times = [];
if (wrapped) {
  for (let i = 0; i < invocations; i += 1) {
    const startedAt = performance.now();
    await wrapped(event('/api/route-' + (i % ${ROUTES})), context);
    times.push(performance.now() - startedAt);
  }
}
process.stderr.write(JSON.stringify({ times, mainStartMs, mainStartCpuMs }) + '\\n');
setInterval(() => undefined, 60_000);
`;

interface Sample {
  mainStartMs: number;
  mainStartCpuMs: number;
  /** At the stand-in: from the registration's arrival to the extension's first event/next. */
  registerRoundTripMs: number;
  initMs: number;
  times: number[];
  shutdownMs: number;
  shutdownDocuments: number;
}

async function sample(
  dir: string,
  handler: string,
  withExtension: boolean,
  invocations: number,
): Promise<Sample> {
  const api = await startRuntimeApiStandIn('accept', 0);
  const startedAt = performance.now();
  const child = spawn(
    process.execPath,
    [
      ...(withExtension ? ['--import', path.join(dir, SHUTDOWN_SIGNAL_EXTENSION)] : []),
      path.join(dir, 'runtime.mjs'),
    ],
    {
      env: {
        PATH: process.env.PATH,
        ...PRODUCTION_ENV,
        AWS_LAMBDA_RUNTIME_API: api.address,
        BENCH_HANDLER: handler,
        BENCH_INVOCATIONS: String(invocations),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const { times, mainStartMs, mainStartCpuMs } = await new Promise<{
    times: number[];
    mainStartMs: number;
    mainStartCpuMs: number;
  }>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      // Only whole lines: a pipe delivers a long line in chunks.
      const line = stderr
        .split('\n')
        .slice(0, -1)
        .find((candidate) => candidate.startsWith('{"times"'));
      if (line) resolve(JSON.parse(line));
    });
    exited.then(() => reject(new Error(`the runtime exited: ${stderr}`)));
  });
  const next = api.requests.find((request) => request.url === '/2018-06-01/runtime/invocation/next');
  const documentsBefore = stdout.split('\n').filter((line) => line.includes('"_aws"')).length;
  const killedAt = performance.now();
  child.kill('SIGTERM');
  await exited;
  const flushLine = stderr.split('\n').find((candidate) => candidate.startsWith('{"flushMs"'));
  const shutdownMs = flushLine
    ? (JSON.parse(flushLine) as { flushMs: number }).flushMs
    : performance.now() - killedAt;
  await api.close();
  const arrival = (url: string) => api.requests.find((request) => request.url === url)?.receivedAt;
  return {
    mainStartMs,
    mainStartCpuMs,
    registerRoundTripMs:
      (arrival('/2020-01-01/extension/event/next') ?? Number.NaN) -
      (arrival('/2020-01-01/extension/register') ?? Number.NaN),
    initMs: (next?.receivedAt ?? Number.NaN) - startedAt,
    times,
    shutdownMs,
    shutdownDocuments: stdout.split('\n').filter((line) => line.includes('"_aws"')).length - documentsBefore,
  };
}

/**
 * The preload alone, in this process: each import with a fresh query string evaluates the module again and
 * registers once more. The first also loads node:http (which Lambda's Node.js runtime loads anyway).
 */
async function preloadInProcess(
  dir: string,
  repetitions: number,
): Promise<{ first: number; rest: number[] }> {
  const api = await startRuntimeApiStandIn('accept', 0);
  const previous = process.env.AWS_LAMBDA_RUNTIME_API;
  process.env.AWS_LAMBDA_RUNTIME_API = api.address;
  const times: number[] = [];
  try {
    for (let i = 0; i < repetitions; i += 1) {
      const startedAt = performance.now();
      await import(`${pathToFileURL(path.join(dir, SHUTDOWN_SIGNAL_EXTENSION)).href}?run=${i}`);
      times.push(performance.now() - startedAt);
    }
  } finally {
    process.env.AWS_LAMBDA_RUNTIME_API = previous;
    await api.close();
  }
  return { first: times[0] ?? Number.NaN, rest: times.slice(1) };
}

/** The figures of one run, for bench/results.json (milliseconds, medians unless named otherwise). */
export interface ShutdownHookFigures {
  processes: number;
  preloadFirstMs: number;
  preloadMedianMs: number;
  initMedianMs: { without: number; with: number; difference: number };
  mainStartCpuMedianMs: { without: number; with: number; difference: number };
  registerRoundTripMedianMs: number;
  warmInvocationMs: {
    withoutMedian: number;
    withMedian: number;
    differenceOfMedians: number;
    differenceOfP99: number;
  };
  shutdown: { pendingDocuments: number; medianMs: number; maxMs: number; allowedMs: number };
  loadAverage: number[];
}

/** Measures the shutdown-signal extension (see the top of this file) and returns its figures. */
export async function benchmarkShutdownHook(): Promise<ShutdownHookFigures> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'signupflow-shutdown-bench-'));
  try {
    const api = path.join(dir, 'api.mjs');
    const observed = path.join(dir, 'observed.mjs');
    await build(esbuildOptions(handlerEntry('api'), api));
    await build(esbuildOptions(path.join(ROOT, 'bench/references/warm-observed.ts'), observed));
    execSync(shutdownSignalExtensionCommand(ROOT, dir));
    await writeFile(path.join(dir, 'runtime.mjs'), RUNTIME);

    const preload = await preloadInProcess(dir, quick ? 20 : 200);
    const init: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const mainStart: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const mainStartCpu: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const registerRoundTrip: number[] = [];
    const warm: Record<'without' | 'with', number[]> = { without: [], with: [] };
    const shutdown: number[] = [];
    let shutdownDocuments = 0;
    for (let round = 0; round < PROCESSES; round += 1) {
      for (const withExtension of round % 2 === 0 ? [false, true] : [true, false]) {
        const key = withExtension ? 'with' : 'without';
        const result = await sample(dir, api, withExtension, 0);
        init[key].push(result.initMs);
        mainStart[key].push(result.mainStartMs);
        mainStartCpu[key].push(result.mainStartCpuMs);
        if (withExtension) registerRoundTrip.push(result.registerRoundTripMs);
      }
    }
    for (let round = 0; round < (quick ? 2 : 6); round += 1) {
      for (const withExtension of round % 2 === 0 ? [false, true] : [true, false]) {
        const result = await sample(dir, observed, withExtension, INVOCATIONS);
        warm[withExtension ? 'with' : 'without'].push(...result.times.slice(INVOCATIONS / 10));
        if (withExtension) {
          shutdown.push(result.shutdownMs);
          shutdownDocuments = result.shutdownDocuments;
        }
      }
    }

    const difference = (values: Record<'without' | 'with', number[]>) => ({
      without: round(median(values.without), 2),
      with: round(median(values.with), 2),
      difference: round(median(values.with) - median(values.without), 2),
    });
    return {
      processes: PROCESSES,
      preloadFirstMs: round(preload.first, 2),
      preloadMedianMs: round(median(preload.rest), 3),
      initMedianMs: difference(init),
      mainStartCpuMedianMs: difference(mainStartCpu),
      registerRoundTripMedianMs: round(median(registerRoundTrip), 2),
      warmInvocationMs: {
        withoutMedian: round(median(warm.without), 4),
        withMedian: round(median(warm.with), 4),
        differenceOfMedians: round(median(warm.with) - median(warm.without), 4),
        differenceOfP99: round(percentile(warm.with, 0.99) - percentile(warm.without, 0.99), 4),
      },
      shutdown: {
        pendingDocuments: shutdownDocuments,
        medianMs: round(median(shutdown), 1),
        maxMs: round(Math.max(...shutdown), 1),
        allowedMs: 500,
      },
      loadAverage: os.loadavg().map((load) => round(load, 1)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The section of the benchmark's report. */
export function shutdownHookReport(f: ShutdownHookFigures): string {
  return [
    `Shutdown hook (the SIGTERM extension, lambdas/shared/shutdown-signal-extension.mjs; ${f.processes} processes each way, load average ${f.loadAverage.join(', ')})`,
    `  the preload evaluated in-process: first ${f.preloadFirstMs} ms (with node:http), then median ${f.preloadMedianMs} ms`,
    `  cold start of the API bundle (spawn to first invocation/next): ${f.initMedianMs.without} ms without, ${f.initMedianMs.with} ms with: ${f.initMedianMs.difference} ms`,
    `  CPU at the runtime's first line: ${f.mainStartCpuMedianMs.without} ms without, ${f.mainStartCpuMedianMs.with} ms with: ${f.mainStartCpuMedianMs.difference} ms; registration round trip ${f.registerRoundTripMedianMs} ms`,
    `  warm invocation of withObservability: ${f.warmInvocationMs.differenceOfMedians} ms (median), ${f.warmInvocationMs.differenceOfP99} ms (p99)`,
    `  SIGTERM to exit with ${f.shutdown.pendingDocuments} pending documents: median ${f.shutdown.medianMs} ms, max ${f.shutdown.maxMs} ms (Lambda allows ${f.shutdown.allowedMs}): ${f.shutdown.maxMs <= f.shutdown.allowedMs ? 'met' : 'MISSED'}`,
  ].join('\n');
}

if (require.main === module) {
  benchmarkShutdownHook()
    .then((figures) => console.log(shutdownHookReport(figures)))
    .catch((error: Error) => {
      console.error(error);
      process.exit(1);
    });
}
