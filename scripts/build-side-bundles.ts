import path from 'node:path';
import { build } from 'esbuild';
import { SIDE_BUNDLES } from '../lambdas/shared/side-bundles';
import { BUNDLE_TARGET, esbuildOptions } from '../lib/bundling';

const ROOT = path.resolve(__dirname, '..');

/** The module source of a side bundle: everything its package exports. */
export function sideBundleEntry(specifier: string): { contents: string; resolveDir: string } {
  return { contents: `export * from '${specifier}';`, resolveDir: ROOT };
}

/**
 * Writes each side bundle (`lambdas/shared/side-bundles.ts`) into `outDir` with the settings of the handlers'
 * bundles. `ObservedFunction` runs this after bundling, so that the files sit beside `index.mjs`.
 */
export async function buildSideBundles(outDir: string, target = BUNDLE_TARGET): Promise<void> {
  for (const { specifier, file } of Object.values(SIDE_BUNDLES)) {
    await build(esbuildOptions(sideBundleEntry(specifier), path.join(outDir, file), target));
  }
}

if (require.main === module) {
  const [outDir] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: tsx scripts/build-side-bundles.ts <output directory>');
    process.exit(2);
  }
  buildSideBundles(path.resolve(outDir)).catch((error: Error) => {
    console.error(`Side bundles failed: ${error.message}`);
    process.exit(1);
  });
}
