import type { BuildOptions } from 'esbuild';

/**
 * How every function is bundled, shared by `ObservedFunction` (cdk synth) and the benchmarks, so that what is
 * measured is what is deployed.
 */
export const BUNDLE_TARGET = 'node24';

/**
 * ESM bundles that contain CommonJS dependencies (the X-Ray SDK) need `require`; Sentry's bundle declares its
 * own `createRequire`, so the banner's import is aliased.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __signupflowCreateRequire } from 'node:module'; const require = __signupflowCreateRequire(import.meta.url);";

/** pg's optional native binding is never installed; the JavaScript client is used. */
export const EXTERNAL_MODULES = ['pg-native'];

export const MAIN_FIELDS = ['module', 'main'];

/** The shell command that writes the side bundles (`lambdas/shared/side-bundles.ts`) beside a handler's bundle. */
export function sideBundlesCommand(projectDir: string, outputDir: string): string {
  const tsx = `"${projectDir}/node_modules/.bin/tsx"`;
  return `${tsx} "${projectDir}/scripts/build-side-bundles.ts" "${outputDir}"`;
}

/**
 * The esbuild options of a handler's bundle (what NodejsFunction runs with the settings above), for the side
 * bundles and the benchmarks. `entry` is a file, or module source resolved from `resolveDir`.
 */
export function esbuildOptions(
  entry: string | { contents: string; resolveDir: string },
  outfile: string,
  target: string = BUNDLE_TARGET,
): BuildOptions {
  return {
    ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: { ...entry, loader: 'js' } }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target,
    minify: true,
    sourcemap: false,
    mainFields: MAIN_FIELDS,
    banner: { js: ESM_REQUIRE_BANNER },
    external: EXTERNAL_MODULES,
    metafile: true,
    logLevel: 'warning',
  };
}
