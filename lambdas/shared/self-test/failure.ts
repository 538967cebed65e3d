import { scrubText } from '../scrubber';

/** What kind of failure a dependency check met: `npm run verify` turns it into a fix for the network. */
export type FailureKind =
  | 'timeout' // no answer in time: usually no route (a missing NAT or endpoint) or a security group
  | 'dns' // the host name does not resolve
  | 'refused' // nothing listens on that port
  | 'reset' // the connection was cut
  | 'tls' // the certificate did not verify (a CNAME alias, an unknown CA)
  | 'auth' // the server refused the credentials
  | 'denied' // IAM or the database refused the action
  | 'missing' // the resource does not exist (a secret, a table, a database)
  | 'http' // the service answered with an error status
  | 'config' // the function's own settings are incomplete
  | 'other';

export interface Failure {
  kind: FailureKind;
  /** The error's own code (`ECONNREFUSED`, `28P01`, `AccessDeniedException`), when it has one. */
  code?: string;
  message: string;
}

/** A check's own deadline passed. */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/** An HTTP peer answered, with a status the check does not accept. */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** A setting the check needs is missing or unusable. */
export class CheckConfigError extends Error {
  override name = 'CheckConfigError';
}

const TLS_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
]);
const TIMEOUT_NAMES = new Set([
  'DeadlineError',
  'TimeoutError',
  'AbortError',
  'RequestTimeout',
  'ConnectTimeoutError',
]);
/** SNS answers `AuthorizationError` on the wire; the SDK raises it as its modeled `AuthorizationErrorException`. */
const DENIED_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'AuthorizationErrorException',
  'KMSAccessDeniedException',
]);
const MISSING_NAMES = new Set([
  'ResourceNotFoundException',
  'NotFound',
  'NotFoundException',
  'QueueDoesNotExist',
]);

/** Postgres SQLSTATEs: bad password or no such role; no such database or table; insufficient privilege. */
const POSTGRES_AUTH = new Set(['28P01', '28000']);
const POSTGRES_MISSING = new Set(['3D000', '42P01']);
const POSTGRES_DENIED = new Set(['42501']);

/**
 * The kind of `error`, its code, and its message scrubbed of secrets and cut to one short line: scrubbed first,
 * because a cut through a secret (a URL's password) leaves a start that no pattern recognises any more.
 */
export function classify(error: unknown): Failure {
  const cause = rootCause(error);
  const { name, code, message } = cause as { name?: unknown; code?: unknown; message?: unknown };
  const codeText = typeof code === 'string' ? code : undefined;
  const text = oneLine(scrubText(typeof message === 'string' && message ? message : String(cause)));
  const failure = (kind: FailureKind): Failure => ({
    kind,
    ...(codeText && { code: codeText }),
    message: text,
  });
  const nameText = typeof name === 'string' ? name : '';

  if (cause instanceof CheckConfigError) return failure('config');
  if (cause instanceof HttpStatusError) return { kind: 'http', code: String(cause.status), message: text };
  if (TIMEOUT_NAMES.has(nameText) || codeText === 'ETIMEDOUT' || codeText === 'ECONNABORTED')
    return failure('timeout');
  if (codeText === 'ENOTFOUND' || codeText === 'EAI_AGAIN') return failure('dns');
  if (codeText === 'ECONNREFUSED') return failure('refused');
  if (codeText === 'ECONNRESET' || codeText === 'EPIPE') return failure('reset');
  if (codeText && (TLS_CODES.has(codeText) || codeText.startsWith('CERT_'))) return failure('tls');
  if (codeText && POSTGRES_AUTH.has(codeText)) return failure('auth');
  if (codeText && POSTGRES_MISSING.has(codeText)) return failure('missing');
  if (codeText && POSTGRES_DENIED.has(codeText)) return failure('denied');
  // Redis: refused credentials, or a user whose ACL leaves out the command (an authorisation, not a login, problem)
  if (/^(WRONGPASS|NOAUTH)\b/.test(text)) return { kind: 'auth', code: text.split(' ')[0], message: text };
  if (/^NOPERM\b/.test(text)) return { kind: 'denied', code: 'NOPERM', message: text };
  if (DENIED_NAMES.has(nameText)) return { kind: 'denied', code: nameText, message: text };
  if (MISSING_NAMES.has(nameText)) return { kind: 'missing', code: nameText, message: text };
  return {
    kind: 'other',
    ...(codeText ? { code: codeText } : nameText && nameText !== 'Error' && { code: nameText }),
    message: text,
  };
}

/** pg and Node wrap the socket's error (an AggregateError per address, a `cause`): the innermost says why. */
function rootCause(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5; depth += 1) {
    const next =
      current instanceof AggregateError && current.errors.length > 0
        ? current.errors[0]
        : (current as { code?: unknown; cause?: unknown } | null)?.code === undefined
          ? (current as { cause?: unknown } | null)?.cause
          : undefined;
    if (next === undefined || next === null) return current;
    current = next;
  }
  return current;
}

const MAX_MESSAGE_CHARS = 300;

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line;
}
