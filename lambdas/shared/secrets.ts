import { AWS_CALL_BUDGETS, awsClientSettings } from './deadlines';
import { importSecrets } from './side-bundles';

/** Secrets are cached per Lambda environment for this long before Secrets Manager is asked again. */
export const SECRET_CACHE_SECONDS = 300;

type SecretsProvider = InstanceType<Awaited<ReturnType<typeof importSecrets>>['SecretsProvider']>;

let provider: Promise<SecretsProvider> | undefined;

/**
 * The environment's one Secrets Manager reader (its cache is per provider), with timeouts that abort: a secret
 * read runs inside a /metrics scrape's or a Slack delivery's time budget and must not hang on the network
 * (AWS_CALL_BUDGETS.secretsManager: 3 s at worst).
 */
export function secretsProvider(): Promise<SecretsProvider> {
  provider ??= importSecrets().then(
    ({ SecretsProvider }) =>
      new SecretsProvider({ clientConfig: awsClientSettings(AWS_CALL_BUDGETS.secretsManager) }),
  );
  return provider;
}

/** Reads a secret's string from Secrets Manager (cached for `maxAgeSeconds`). */
export async function getSecretString(
  secretArn: string,
  maxAgeSeconds = SECRET_CACHE_SECONDS,
): Promise<string> {
  const value = await (await secretsProvider()).get(secretArn, { maxAge: maxAgeSeconds });
  if (typeof value !== 'string') throw new Error(`Secret ${secretArn} holds no string`);
  return value;
}

/**
 * Reads a JSON secret from Secrets Manager through Powertools Parameters (cached). The SDK is imported on
 * first use (a side bundle in Lambda), so functions that run without secrets (local runs, tests) never load it.
 * `forceFetch` skips the cache and refreshes it: for a value known to be stale, such as a rotated password.
 */
export async function getJsonSecret<T extends Record<string, unknown>>(
  secretArn: string,
  options: { forceFetch?: boolean } = {},
): Promise<T> {
  const value = await (await secretsProvider()).get<T>(secretArn, {
    transform: 'json',
    maxAge: SECRET_CACHE_SECONDS,
    forceFetch: options.forceFetch ?? false,
  });
  if (value === undefined || typeof value !== 'object' || value === null) {
    throw new Error(`Secret ${secretArn} is empty or not a JSON object`);
  }
  return value as T;
}

/**
 * Reads a secret's string from Secrets Manager now, past the cache (which it refreshes): for a check of the
 * network path and the grant, never for the value a function runs with.
 */
export async function readSecretNow(secretArn: string): Promise<string> {
  const value = await (await secretsProvider()).get(secretArn, { forceFetch: true });
  if (typeof value !== 'string') throw new Error(`Secret ${secretArn} holds no string`);
  return value;
}
