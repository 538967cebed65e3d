import { ProbeTimeoutError, SettingsError, UnexpectedReplyError } from './probe';

/**
 * What an unhealthy component's `error` says: a short, fixed category. Driver messages are never passed on,
 * because they may contain a host name, a user name or a connection string.
 */
export type ErrorCategory =
  | 'timeout'
  | 'connection refused'
  | 'connection reset'
  | 'authentication failed'
  | 'unexpected reply'
  | 'dns lookup failed'
  | 'network unreachable'
  | 'tls error'
  | 'database not found'
  | 'too many connections'
  | 'not accepting connections'
  | 'configuration error'
  | 'unavailable';

const BY_CODE: Record<string, ErrorCategory> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'dns lookup failed',
  EAI_AGAIN: 'dns lookup failed',
  EAI_FAIL: 'dns lookup failed',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'network unreachable',
  ENETUNREACH: 'network unreachable',
  // Postgres SQLSTATEs
  '28P01': 'authentication failed',
  '28000': 'authentication failed',
  '3D000': 'database not found',
  '53300': 'too many connections',
  '57P03': 'not accepting connections',
};

const BY_MESSAGE: [RegExp, ErrorCategory][] = [
  [/^(WRONGPASS|NOAUTH|NOPERM)\b/, 'authentication failed'],
  [/^LOADING\b/, 'not accepting connections'],
  [/^ERR max number of clients/, 'too many connections'],
  [/timed? ?out|timeout/i, 'timeout'],
  [/Connection terminated|Connection is closed|socket hang up/i, 'connection reset'],
  [/certificate|SSL|TLS/, 'tls error'],
];

export function categorizeError(error: unknown): ErrorCategory {
  if (error instanceof ProbeTimeoutError) return 'timeout';
  if (error instanceof UnexpectedReplyError) return 'unexpected reply';
  if (error instanceof SettingsError) return 'configuration error';
  // Node reports a failed connection to each address of a host name as one AggregateError.
  if (error instanceof AggregateError && error.errors.length > 0) return categorizeError(error.errors[0]);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    const byCode = BY_CODE[code];
    if (byCode) return byCode;
    if (code.startsWith('ERR_TLS') || code.includes('CERT')) return 'tls error';
  }
  if (typeof message === 'string') {
    for (const [pattern, category] of BY_MESSAGE) if (pattern.test(message)) return category;
  }
  return 'unavailable';
}
