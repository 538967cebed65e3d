import { importSecrets } from './side-bundles';

/** Secrets are cached per Lambda environment for this long before Secrets Manager is asked again. */
export const SECRET_CACHE_SECONDS = 300;

/**
 * Reads a JSON secret from Secrets Manager through Powertools Parameters (cached). The SDK is imported on
 * first use (a side bundle in Lambda), so functions that run without secrets (local runs, tests) never load it.
 */
export async function getJsonSecret<T extends Record<string, unknown>>(secretArn: string): Promise<T> {
  const { getSecret } = await importSecrets();
  const value = await getSecret<T>(secretArn, { transform: 'json', maxAge: SECRET_CACHE_SECONDS });
  if (value === undefined || typeof value !== 'object' || value === null) {
    throw new Error(`Secret ${secretArn} is empty or not a JSON object`);
  }
  return value as T;
}
