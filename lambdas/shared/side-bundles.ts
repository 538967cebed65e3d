type SentryModule = typeof import('@sentry/aws-serverless');
type SecretsModule = typeof import('@aws-lambda-powertools/parameters/secrets');

/**
 * Modules that a deployed function loads from a file of its own beside the handler's bundle, built by
 * `scripts/build-side-bundles.ts` at synth. Node parses a bundle whole at cold start, even the parts it only
 * evaluates later; Sentry (needed at the first error) and the Secrets Manager client (needed at the first
 * connection) would add about 1.2 MB and 40 ms to every cold start if they were inside it.
 */
export const SIDE_BUNDLES = {
  sentry: { specifier: '@sentry/aws-serverless', file: 'sentry.mjs' },
  secrets: { specifier: '@aws-lambda-powertools/parameters/secrets', file: 'secrets.mjs' },
} as const;

export function importSentry(): Promise<SentryModule> {
  return importSideBundle('sentry') as Promise<SentryModule>;
}

export function importSecrets(): Promise<SecretsModule> {
  return importSideBundle('secrets') as Promise<SecretsModule>;
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
