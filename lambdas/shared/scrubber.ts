/**
 * The one scrubber that keeps secrets and personal data out of logs (Logger's `jsonReplacerFn`) and out of
 * error reports (Sentry's `beforeSend` and `beforeBreadcrumb`).
 *
 * It recognises secrets by families rather than by examples: by what they are (credentials in URLs, e-mail
 * addresses, the vendor token formats of `secret-formats.ts`), by where they stand (`secret-contexts.ts`: after
 * a key that names a secret, in a cookie, after `Bearer`, as a query parameter such as `sig=`), and by their
 * shape (`random-tokens.ts`: any long random-looking token). docs/secret-scrubbing.md has the catalogue's
 * coverage and what the corpus tests measure.
 *
 * It sees outside text (request values echoed in errors, whole SNS bodies), so it runs in time linear in the
 * length of its input by construction: every pattern starts at a literal or only where a token starts (a
 * lookbehind), what it repeats cannot hold its own start, no two adjacent quantifiers can match the same
 * characters, and the two secrets a pattern would have to rescan for (URL credentials, e-mail addresses) are
 * found by scans whose pointers only move forward. `PATTERNS_ON_OUTSIDE_TEXT` lists every pattern for the
 * ReDoS check in the tests; add any new pattern there. Strings are cut at `MAX_SCRUBBED_CHARACTERS` and
 * objects deeper than `MAX_SCRUBBED_DEPTH` are summarised: neither is ever shown unscrubbed.
 */
import { RANDOM_TOKEN_PATTERNS, redactRandomTokens } from './random-tokens';
import { REDACTED } from './redacted';
import {
  CONTEXT_PATTERNS,
  isCredentialLike,
  isKeyLikeName,
  isSensitiveKey,
  redactAuthSchemes,
  redactByContext,
} from './secret-contexts';
import { SECRET_FORMATS, SECRET_FORMATS_PATTERN } from './secret-formats';

export { REDACTED } from './redacted';
export { isSensitiveKey } from './secret-contexts';

/** Strings longer than this are cut before they are scrubbed; the rest is neither scrubbed nor shown. */
export const MAX_SCRUBBED_CHARACTERS = 32_768;
/** Objects and arrays nested deeper than this are replaced whole by `NESTED_TOO_DEEP`. */
export const MAX_SCRUBBED_DEPTH = 64;
export const NESTED_TOO_DEEP = '[Nested too deeply: not shown]';

/** What stands for the part of a string past `MAX_SCRUBBED_CHARACTERS`. */
export function cutMarker(hiddenCharacters: number): string {
  return `…[${hiddenCharacters} more characters not scrubbed/shown]`;
}

/**
 * Every regular expression that runs over outside text, for the ReDoS check in the tests: each vendor format
 * alone (their union, `SECRET_FORMATS_PATTERN`, runs each at the token starts it allows), the context patterns
 * and the random-token rule's.
 */
export const PATTERNS_ON_OUTSIDE_TEXT: readonly RegExp[] = [
  ...SECRET_FORMATS.map(({ pattern }) => pattern),
  ...CONTEXT_PATTERNS,
  ...RANDOM_TOKEN_PATTERNS,
];

/**
 * Text past `MAX_SCRUBBED_CHARACTERS` is cut first and replaced by a marker: never shown unscrubbed.
 */
export function scrubText(text: string): string {
  if (text.length <= MAX_SCRUBBED_CHARACTERS) return redactSecrets(text);
  // A cut between the two halves of a surrogate pair would leave half a character.
  const cutAt = isHighSurrogate(text.charCodeAt(MAX_SCRUBBED_CHARACTERS - 1))
    ? MAX_SCRUBBED_CHARACTERS - 1
    : MAX_SCRUBBED_CHARACTERS;
  const kept = text.slice(0, cutAt);
  return `${redactSecrets(kept)}${cutMarker(text.length - kept.length)}`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * The scrubbing itself, uncut: linear in the text's length (measured by `npm run bench`). Families first, by
 * what they are: credentials in URLs, vendors' token formats, the credential after `Bearer`, e-mail
 * addresses; then by where they stand (`redactByContext`); last, by their shape, any long random token left.
 */
export function redactSecrets(text: string): string {
  const withoutFormats = redactUrlCredentials(text).replace(SECRET_FORMATS_PATTERN, REDACTED);
  const withoutAddresses = redactEmailAddresses(redactAuthSchemes(withoutFormats));
  return redactRandomTokens(redactByContext(withoutAddresses));
}

/** Where the credentials of a URL end: none of these appear unencoded in `user:password`. */
const URL_CREDENTIALS_END = /[\s@"'`<>\\]/;

/**
 * A user name alone that is a key (`https://<key>@o1.ingest.sentry.io/42`, a Sentry DSN), not a name such as
 * `git` in `ssh://git@github.com`.
 */
function isKeyInUserInfo(userInfo: string): boolean {
  return /^[A-Za-z0-9_-]{16,}$/.test(userInfo) && /[0-9]/.test(userInfo) && /[A-Za-z]/.test(userInfo);
}

/**
 * `scheme://user:password@host` and `scheme://<key>@host` become `scheme://[REDACTED]@host`; the password may
 * hold `/` or `:`
 * (`postgresql://app:pa/ss@db`). A scan rather than a regular expression: the credentials of one `://` may
 * run over the next `://`, which a regular expression would rescan from there. Here each character is
 * looked at a bounded number of times: the end and the colon are found with pointers that only move forward.
 */
function redactUrlCredentials(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let end = 0;
  let colon = 0;
  for (let start = text.indexOf('://'); start !== -1; start = text.indexOf('://', start + 1)) {
    const credentialsStart = start + 3;
    if (credentialsStart < copiedUpTo) continue;
    if (end < credentialsStart) end = credentialsStart;
    while (end < text.length && !URL_CREDENTIALS_END.test(text[end] as string)) end++;
    if (colon < credentialsStart) colon = credentialsStart;
    while (colon < end && text[colon] !== ':') colon++;
    if (text[end] !== '@') continue;
    if (colon >= end && !isKeyInUserInfo(text.slice(credentialsStart, end))) continue;
    result += `${text.slice(copiedUpTo, credentialsStart)}${REDACTED}`;
    copiedUpTo = end;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

const EMAIL_LOCAL_CHAR = /[\w.%+-]/;
const EMAIL_DOMAIN_CHAR = /[A-Za-z0-9.-]/;
const LETTER = /[A-Za-z]/;

/**
 * `local@domain.tld` (a dot and two letters somewhere in the domain) becomes `[REDACTED]`. A scan from each
 * `@`: left over the local part, never past the previous `@`, and right over the domain, which ends before the
 * next `@`; so every character is looked at a bounded number of times.
 */
function redactEmailAddresses(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let localStart = at;
    while (localStart > copiedUpTo && EMAIL_LOCAL_CHAR.test(text[localStart - 1] as string)) localStart--;
    let domainEnd = at + 1;
    let hasTopLevelDomain = false;
    while (domainEnd < text.length && EMAIL_DOMAIN_CHAR.test(text[domainEnd] as string)) {
      if (
        text[domainEnd] === '.' &&
        domainEnd > at + 1 &&
        LETTER.test(text[domainEnd + 1] ?? '') &&
        LETTER.test(text[domainEnd + 2] ?? '')
      ) {
        hasTopLevelDomain = true;
      }
      domainEnd++;
    }
    if (localStart === at || !hasTopLevelDomain) continue;
    result += `${text.slice(copiedUpTo, localStart)}${REDACTED}`;
    copiedUpTo = domainEnd;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** A `JSON.stringify` replacer: values under secrets' keys are replaced whole, strings are scrubbed. */
export function scrubReplacer(key: string, value: unknown): unknown {
  if (key !== '' && isSecretUnder(key, value)) return REDACTED;
  return typeof value === 'string' ? scrubText(value) : value;
}

/** A value under a key that names a secret, or a credential-like string under a key-like name (`sentry_key`). */
function isSecretUnder(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (isSensitiveKey(key)) return true;
  return typeof value === 'string' && isKeyLikeName(key) && isCredentialLike(value);
}

/**
 * A scrubbed deep copy of any value (plain objects, arrays, errors); cycles become `[Circular]`, and what is
 * nested deeper than `MAX_SCRUBBED_DEPTH` becomes `NESTED_TOO_DEEP`.
 */
export function scrub<T>(value: T): T {
  return scrubValue(value, new WeakSet(), 0) as T;
}

function scrubValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_SCRUBBED_DEPTH) return NESTED_TOO_DEEP;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, seen, depth + 1));
  const copy: Record<string, unknown> = {};
  const source =
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  for (const [key, item] of Object.entries(source)) {
    copy[key] = isSecretUnder(key, item) ? REDACTED : scrubValue(item, seen, depth + 1);
  }
  return copy;
}
