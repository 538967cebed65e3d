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
