import { categorizeError } from '../../lambdas/health/error-category';

const MAX_AWS_MESSAGE = 240;

/**
 * A thrown error in a few safe words. Driver and network errors become the health check's fixed categories
 * (`connection refused`, `timeout`, `authentication failed`...), because their messages may hold a host name,
 * a user or a connection string. AWS errors keep their name and message (an ARN at most), which say what
 * permission or resource is missing.
 */
export function describeError(error: unknown): string {
  if (isAwsError(error)) {
    const message =
      error.message.length > MAX_AWS_MESSAGE ? `${error.message.slice(0, MAX_AWS_MESSAGE)}…` : error.message;
    return `${error.name}: ${message}`;
  }
  if (isAwsClientSetupError(error)) return `${error.name}: ${error.message}`;
  // fetch wraps the socket's error: `TypeError: fetch failed` with the ECONNREFUSED in `cause`.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const category = categorizeError(error instanceof TypeError && cause ? cause : error);
  return category === 'unavailable' && error instanceof Error ? `unavailable (${error.name})` : category;
}

function isAwsError(error: unknown): error is Error {
  return error instanceof Error && typeof (error as { $metadata?: unknown }).$metadata === 'object';
}

/** The SDK's own errors before any request: no region, no credentials. Their messages name no secret. */
function isAwsClientSetupError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error.name === 'CredentialsProviderError' || /^Region is missing/.test(error.message))
  );
}
