import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { baseEnv } from './child';
import { median, round } from './stats';

export interface ColdLoadSample {
  importMs: number;
  /** Whether Sentry's SDK had been evaluated once the import returned (its global carrier exists). */
  sentryEvaluated: boolean;
}

export interface ColdLoadResult {
  name: string;
  runs: number;
  medianMs: number;
  minMs: number;
  sentryEvaluatedAtLoad: boolean;
}

const MARK = '@@signupflow-bench ';

/**
 * Imports a bundle in a fresh Node process and reports how long the import took: Lambda's INIT phase
 * minus the runtime's own bootstrap. The process exits right after, so no timer it set keeps it alive.
 */
export async function coldLoadOnce(bundleFile: string, env: Record<string, string>): Promise<ColdLoadSample> {
  const script = [
    `const startedAt = performance.now();`,
    `await import(${JSON.stringify(pathToFileURL(bundleFile).href)});`,
    `const importMs = performance.now() - startedAt;`,
    `const sentryEvaluated = globalThis.__SENTRY__ !== undefined;`,
    `process.stdout.write('\\n${MARK}' + JSON.stringify({ importMs, sentryEvaluated }) + '\\n', () => process.exit(0));`,
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: baseEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = out.split('\n').find((candidate) => candidate.startsWith(MARK));
  if (code !== 0 || !line)
    throw new Error(`Could not load ${bundleFile} (exit ${code}): ${err.slice(-1_500)}`);
  return JSON.parse(line.slice(MARK.length)) as ColdLoadSample;
}

/** Several fresh processes per bundle, interleaved across bundles so that machine noise hits all alike. */
export async function coldLoads(
  bundles: { name: string; file: string }[],
  env: Record<string, string>,
  runs: number,
): Promise<ColdLoadResult[]> {
  const samples = new Map<string, ColdLoadSample[]>(bundles.map(({ name }) => [name, []]));
  for (const { file } of bundles) await coldLoadOnce(file, env); // warms the file system cache
  for (let run = 0; run < runs; run += 1) {
    for (const { name, file } of bundles) samples.get(name)?.push(await coldLoadOnce(file, env));
  }
  return bundles.map(({ name }) => {
    const list = samples.get(name) ?? [];
    const times = list.map((sample) => sample.importMs);
    return {
      name,
      runs: list.length,
      medianMs: round(median(times), 1),
      minMs: round(Math.min(...times), 1),
      sentryEvaluatedAtLoad: list.some((sample) => sample.sentryEvaluated),
    };
  });
}
