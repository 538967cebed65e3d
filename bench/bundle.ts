import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';
import { SIDE_BUNDLES } from '../lambdas/shared/side-bundles';
import { BUNDLE_TARGET, esbuildOptions } from '../lib/bundling';
import { sideBundleEntry } from '../scripts/build-side-bundles';

export const ROOT = path.resolve(__dirname, '..');
export const LAMBDAS_DIR = path.join(ROOT, 'lambdas');

/**
 * Every folder under `lambdas/` with a `handler.ts`: the functions of the stack. Read from the disk rather
 * than from `FUNCTION_DIRS`, so that a new function is measured (and needs a size budget) the day it lands.
 */
export function functionDirs(lambdasDir = LAMBDAS_DIR): string[] {
  return readdirSync(lambdasDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(lambdasDir, entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

export function handlerEntry(functionDir: string): string {
  return path.join(LAMBDAS_DIR, functionDir, 'handler.ts');
}

/** The side bundles every function ships beside its handler (loaded on first use), as `side:<name>`. */
export function sideBundleEntries(): { name: string; entry: ReturnType<typeof sideBundleEntry> }[] {
  return Object.entries(SIDE_BUNDLES).map(([name, { specifier }]) => ({
    name: `side:${name}`,
    entry: sideBundleEntry(specifier),
  }));
}

export interface InputSize {
  /** A package (`@sentry/core`) or a file of this repository (`lambdas/shared/sentry.ts`). */
  name: string;
  bytes: number;
}

export interface BundleResult {
  name: string;
  outfile: string;
  target: string;
  minifiedBytes: number;
  gzipBytes: number;
  /** The largest contributors to the output, grouped by npm package, biggest first. */
  biggestInputs: InputSize[];
}

export async function bundle(
  name: string,
  entry: Parameters<typeof esbuildOptions>[0],
  outDir: string,
  target: string = BUNDLE_TARGET,
): Promise<BundleResult> {
  await mkdir(outDir, { recursive: true });
  const outfile = path.join(outDir, `${name}.mjs`);
  const result = await build({ ...esbuildOptions(entry, outfile, target), logLevel: 'silent' });
  const code = await readFile(outfile);
  return {
    name,
    outfile,
    target,
    minifiedBytes: code.byteLength,
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    biggestInputs: biggestInputs(result.metafile as Metafile, outfile),
  };
}

/** Bytes each package (or own source file) contributes to the output, from esbuild's metafile. */
export function biggestInputs(metafile: Metafile, outfile: string, limit = 6): InputSize[] {
  const output = Object.entries(metafile.outputs).find(
    ([file]) => path.resolve(file) === path.resolve(outfile),
  );
  if (!output) return [];
  const totals = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output[1].inputs)) {
    const name = packageOf(file);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, limit);
}

function packageOf(file: string): string {
  const marker = 'node_modules/';
  const at = file.lastIndexOf(marker);
  if (at === -1) return path.relative(ROOT, path.resolve(file));
  const [scopeOrName = file, name] = file.slice(at + marker.length).split('/');
  return scopeOrName.startsWith('@') ? `${scopeOrName}/${name}` : scopeOrName;
}
