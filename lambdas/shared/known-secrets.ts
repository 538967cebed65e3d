/**
 * Secrets the caller knows, such as the webhook URL it posted to: removed from a peer's answer before the
 * answer is logged or printed, whole or in part. Slack's errors can echo a webhook's path (`no_service for
 * B000/SECRETXYZ`, `invalid_token SECRETXYZ`), and a cut-off echo is still a piece of the secret; so every run
 * of `MIN_FRAGMENT` or more characters that also appears in a known secret goes.
 */
import { REDACTED } from './redacted';

/** Shorter pieces of a secret say nothing of it (and would match ordinary text). */
export const MIN_FRAGMENT = 4;

/**
 * `text` with every stretch made of pieces of `secrets` replaced by `[REDACTED]`. Linear in the text: one
 * look-up of a `MIN_FRAGMENT`-character window per position (secrets are short: a URL's path, a token).
 */
export function redactKnownSecrets(text: string, secrets: readonly string[]): string {
  const fragments = new Set<string>();
  for (const secret of secrets) {
    for (let start = 0; start + MIN_FRAGMENT <= secret.length; start++) {
      fragments.add(secret.slice(start, start + MIN_FRAGMENT));
    }
  }
  if (fragments.size === 0) return text;
  let result = '';
  let copiedUpTo = 0;
  let coveredUpTo = -1;
  let runStart = -1;
  for (let index = 0; index + MIN_FRAGMENT <= text.length; index++) {
    if (!fragments.has(text.slice(index, index + MIN_FRAGMENT))) continue;
    if (index > coveredUpTo) {
      if (runStart !== -1) {
        result += `${text.slice(copiedUpTo, runStart)}${REDACTED}`;
        copiedUpTo = coveredUpTo;
      }
      runStart = index;
    }
    coveredUpTo = index + MIN_FRAGMENT;
  }
  if (runStart === -1) return text;
  return `${result}${text.slice(copiedUpTo, runStart)}${REDACTED}${text.slice(coveredUpTo)}`;
}

/** A segment of a URL's path that only routes (`services`, `hooks`, `api`): no part of the secret. */
const ROUTE_WORD = /^[a-z]+$/;

/**
 * The parts of a webhook URL that are its secret: every segment of its path but the route words, and the
 * values of its query (Google Chat's `?key=…&token=…`). The host is no secret.
 */
export function webhookSecretParts(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const segments = parsed.pathname
    .split('/')
    .filter((segment) => segment !== '' && !ROUTE_WORD.test(segment));
  return [...segments, ...[...parsed.searchParams.values()].filter((value) => value !== '')];
}
