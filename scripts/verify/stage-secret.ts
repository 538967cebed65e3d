import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Redactor } from './redactor';

/**
 * A secret's string from Secrets Manager, by name or ARN; the value is handed to the redactor before anyone can
 * print it.
 */
export async function readSecretString(
  client: SecretsManagerClient,
  secretId: string,
  redactor: Redactor,
  abortSignal: AbortSignal,
): Promise<string | undefined> {
  const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretId }), {
    abortSignal,
  });
  redactor.add(SecretString);
  return SecretString;
}

/** Secrets Manager's answer for a secret that does not exist (or was deleted). */
export function isSecretNotFound(error: unknown): boolean {
  return (error as { name?: unknown }).name === 'ResourceNotFoundException';
}
