import { categorizeError } from '../../lambdas/health/error-category';

const MAX_AWS_MESSAGE = 240;

/**
 * A thrown error in a few safe words. Driver and network errors become the health check's fixed categories
 * (`connection refused`, `timeout`, `authentication failed`...), because their messages may hold a host name,
 * a user or a connection string. AWS errors keep their name and message (an ARN at most), which say what
 * permission or resource is missing.
 */
export function describeError(error: unknown): string {
  if (error instanceof VerifyError) return error.message;
  if (isAwsNetworkError(error)) return `AWS endpoint: ${categorizeError(error)}`;
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

/** An answer from an AWS service: an HTTP status, and an error name such as AccessDeniedException. */
function isAwsError(error: unknown): error is Error {
  return error instanceof Error && typeof awsMetadata(error)?.httpStatusCode === 'number';
}

/** The SDK could not reach the service (the error has the SDK's metadata but no HTTP status). */
function isAwsNetworkError(error: unknown): boolean {
  const metadata = awsMetadata(error);
  return metadata !== undefined && typeof metadata.httpStatusCode !== 'number';
}

function awsMetadata(error: unknown): { httpStatusCode?: unknown } | undefined {
  const metadata = (error as { $metadata?: unknown } | undefined)?.$metadata;
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
}

/** The SDK's own errors before any request: no region, no credentials. Their messages name no secret. */
function isAwsClientSetupError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error.name === 'CredentialsProviderError' || /^Region is missing/.test(error.message))
  );
}

/** The request never reached an AWS service: no region, no credentials, no network to the endpoint. */
export function isAwsAccessProblem(error: unknown): boolean {
  return isAwsClientSetupError(error) || isAwsNetworkError(error);
}

/** An error whose message verify wrote itself, and which names no secret: printed as it is. */
export class VerifyError extends Error {
  override name = 'VerifyError';
}
