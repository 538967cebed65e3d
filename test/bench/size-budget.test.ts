import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, functionDirs, handlerEntry, sideBundleEntries } from '../../bench/bundle';
import { readSizeBudgets, sizeBudgetProblems } from '../../bench/size-budget';

describe('size budget of the function bundles', () => {
  let outDir: string;
  const sizes: Record<string, number> = {};
  const outfiles: Record<string, string> = {};

  beforeAll(async () => {
    // Prepare: every function bundled as ObservedFunction bundles it (lib/bundling.ts), into a temp dir.
    outDir = mkdtempSync(path.join(os.tmpdir(), 'signupflow-size-'));
    for (const name of functionDirs()) {
      const result = await bundle(name, handlerEntry(name), outDir);
      sizes[name] = result.minifiedBytes;
      outfiles[name] = result.outfile;
    }
    for (const { name, entry } of sideBundleEntries()) {
      sizes[name] = (await bundle(name.replace(':', '-'), entry, outDir)).minifiedBytes;
    }
  });

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('finds the functions of the stack and their side bundles', () => {
    // Assess: the functions and the side bundles are bundled, each with a real size.
    expect(Object.keys(sizes)).toEqual(
      expect.arrayContaining(['api', 'health', 'slack-notifier', 'side:sentry', 'side:secrets']),
    );
    for (const bytes of Object.values(sizes)) expect(bytes).toBeGreaterThan(10_000);
  });

  it('keeps every function within its budget in bench/size-budget.json', () => {
    // Act
    const problems = sizeBudgetProblems(sizes, readSizeBudgets());
    // Assess
    expect(problems).toEqual([]);
  });

  it('leaves the X-Ray SDK out of every function bundle: it is the tracer side bundle, loaded when sampled', () => {
    // Assess: the SDK reads AWS_XRAY_CONTEXT_MISSING when it is evaluated; no handler bundle contains it.
    expect(Object.keys(outfiles).length).toBeGreaterThanOrEqual(4);
    for (const [name, file] of Object.entries(outfiles)) {
      expect({ name, xray: readFileSync(file, 'utf8').includes('AWS_XRAY_CONTEXT_MISSING') }).toEqual({
        name,
        xray: false,
      });
    }
    expect(sizes['side:tracer']).toBeGreaterThan(50_000);
  });

  it('fails a bundle that outgrows its budget', () => {
    // Prepare: the budget of the API set one byte below what it measures.
    const budgets = { ...readSizeBudgets(), api: (sizes.api ?? 0) - 1 };
    // Act
    const problems = sizeBudgetProblems(sizes, budgets);
    // Assess
    expect(problems).toEqual([
      expect.stringMatching(/^api: \d+ bytes minified exceeds its budget of \d+ \(\+1\)$/),
    ]);
  });

  it('fails a function that has no budget', () => {
    // Prepare: the budget file without the API's entry.
    const { api: _removed, ...budgets } = readSizeBudgets();
    // Act
    const problems = sizeBudgetProblems(sizes, budgets);
    // Assess
    expect(problems).toEqual([expect.stringMatching(/^api: no size budget/)]);
  });
});
