import { createHash, timingSafeEqual } from 'node:crypto';

/** Longer than any token this stack issues (48 characters) by far; a longer header is refused unread. */
export const MAX_AUTHORIZATION_LENGTH = 1_024;

export type Authorization = 'granted' | 'missing' | 'wrong' | 'too-long';

/**
 * Whether `header` (the Authorization header as it arrived) carries `expected` as a bearer token. The tokens
 * are compared as SHA-256 digests of equal length in constant time, so neither the token's content nor its
 * length leaks through the answer's timing.
 */
export function checkBearer(header: string | undefined, expected: string): Authorization {
  if (header === undefined || header === '') return 'missing';
  if (header.length > MAX_AUTHORIZATION_LENGTH) return 'too-long';
  const scheme = 'bearer ';
  if (header.slice(0, scheme.length).toLowerCase() !== scheme) return 'missing';
  const given = header.slice(scheme.length).trim();
  if (given === '') return 'missing';
  return timingSafeEqual(digest(given), digest(expected)) ? 'granted' : 'wrong';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
