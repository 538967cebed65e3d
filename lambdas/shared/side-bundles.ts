type SentryModule = typeof import('@sentry/aws-serverless');
type SecretsModule = typeof import('@aws-lambda-powertools/parameters/secrets');
type TracerModule = typeof import('@aws-lambda-powertools/tracer');

/**
 * Modules that a deployed function loads from a file of its own beside the handler's bundle, built by
 * `scripts/build-side-bundles.ts` at synth. Node parses a bundle whole at cold start, even the parts it only
 * evaluates later; Sentry (needed at the first error), the Secrets Manager client (needed at the first
 * connection) and the X-Ray tracer with its SDK (needed at the first sampled invocation, never where tracing
 * is pass-through) would add about 1.4 MB and 60 ms to every cold start if they were inside it.
 */
export const SIDE_BUNDLES = {
  sentry: { specifier: '@sentry/aws-serverless', file: 'sentry.mjs' },
  secrets: { specifier: '@aws-lambda-powertools/parameters/secrets', file: 'secrets.mjs' },
  tracer: { specifier: '@aws-lambda-powertools/tracer', file: 'tracer.mjs' },
} as const;

export function importSentry(): Promise<SentryModule> {
  return importSideBundle('sentry') as Promise<SentryModule>;
}

export function importSecrets(): Promise<SecretsModule> {
  return importSideBundle('secrets') as Promise<SecretsModule>;
}

export function importTracer(): Promise<TracerModule> {
  return importSideBundle('tracer') as Promise<TracerModule>;
}

/**
 * In Lambda (LAMBDA_TASK_ROOT is set) the side bundle's file; elsewhere (tests, the local server, benchmarks)
 * the package itself. The specifier is a variable on purpose: esbuild leaves such an import out of the bundle.
 */
function importSideBundle(name: keyof typeof SIDE_BUNDLES): Promise<unknown> {
  const { specifier, file } = SIDE_BUNDLES[name];
  const taskRoot = process.env.LAMBDA_TASK_ROOT;
  const target = taskRoot ? `${taskRoot}/${file}` : specifier;
  return import(target);
}
