/**
 * The one scrubber that keeps secrets and personal data out of logs (Logger's `jsonReplacerFn`) and out of
 * error reports (Sentry's `beforeSend` and `beforeBreadcrumb`).
 *
 * It sees outside text (request values echoed in errors, whole SNS bodies), so it runs in time linear in the
 * length of its input by construction: every pattern starts at a literal or only where a token starts (a
 * lookbehind), what it repeats cannot hold its own start, no two adjacent quantifiers can match the same
 * characters, and the two secrets a pattern would have to rescan for (URL credentials, e-mail addresses) are
 * found by scans whose pointers only move forward. `PATTERNS_ON_OUTSIDE_TEXT` lists every pattern for the
 * ReDoS check in the tests; add any new pattern there. Strings are cut at `MAX_SCRUBBED_CHARACTERS` and
 * objects deeper than `MAX_SCRUBBED_DEPTH` are summarised: neither is ever shown unscrubbed.
 */
export const REDACTED = '[REDACTED]';

/** Strings longer than this are cut before they are scrubbed; the rest is neither scrubbed nor shown. */
export const MAX_SCRUBBED_CHARACTERS = 32_768;
/** Objects and arrays nested deeper than this are replaced whole by `NESTED_TOO_DEEP`. */
export const MAX_SCRUBBED_DEPTH = 64;
export const NESTED_TOO_DEEP = '[Nested too deeply: not shown]';

/** What stands for the part of a string past `MAX_SCRUBBED_CHARACTERS`. */
export function cutMarker(hiddenCharacters: number): string {
  return `…[${hiddenCharacters} more characters not scrubbed/shown]`;
}

/** Parts of key names that mark a secret wherever they appear in the key (`db_password`, `x-api-key`). */
const SENSITIVE_WORDS =
  'authorization|cookie|passw(?:or)?d|passphrase|pwd|secret|token|api[-_]?key|dsn|webhook|credential|' +
  'private[-_]?key|connection[-_]?string|session[-_]?id|signature';
/** Key names that mark a secret only as the whole name or its last part (`pass`, `db_pass`; not `passenger`). */
const SENSITIVE_LAST_WORDS = 'pass|auth';

const SENSITIVE_KEY = new RegExp(`${SENSITIVE_WORDS}|(?:^|[_.-])(?:${SENSITIVE_LAST_WORDS})$`, 'i');

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/** Characters of a key name written in text (`user.password`, `X-Amz-Signature`). */
const KEY_CHAR = '[\\w.-]';

/**
 * Secrets recognised by their look inside free text, each replaced in its own pass, after the credentials of
 * URLs and before e-mail addresses (both found by a scan, below). `Authorization: Bearer <token>` loses the
 * token before the key-value pass sees the header.
 */
const SECRET_LOOKS: readonly { pattern: RegExp; replacement: string }[] = [
  // Each starts at a literal or where a token starts, and what it repeats cannot contain its own start.
  { pattern: /(?:https?:\/\/)?(?<![\w.-])hooks\.slack(?:-gov)?\.com\/[\w/-]+/gi, replacement: REDACTED },
  { pattern: /\b(Bearer|Basic)\s{1,16}[A-Za-z0-9\-._~+/]+=*/gi, replacement: `$1 ${REDACTED}` },
  { pattern: /(?<![\w.-])eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, replacement: REDACTED },
  // AWS access key ids, Stripe, GitHub and Slack tokens.
  { pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g, replacement: REDACTED },
  { pattern: /(?<![\w-])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8,}/g, replacement: REDACTED },
  { pattern: /(?<!\w)(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,})/g, replacement: REDACTED },
  { pattern: /(?<![\w-])(?:xox[abposr]|xapp)-[A-Za-z0-9-]{10,}/g, replacement: REDACTED },
  // A PEM private key from BEGIN to END (or to 16 KB, a bound no real key reaches).
  {
    pattern:
      /-----BEGIN [A-Z ]{0,32}PRIVATE KEY-----(?:[^-]|-(?!----END)){0,16384}(?:-----END [A-Z ]{0,32}PRIVATE KEY-----)?/g,
    replacement: REDACTED,
  },
];

/**
 * `Cookie: a=1; session=...`: every cookie of the header goes, up to the end of the line (cookie values hold
 * no quote nor backslash, so a header inside a JSON string ends there).
 */
const COOKIE_HEADER = /(?<![\w-])((?:set-)?cookie[ \t]{0,16}:[ \t]{0,16})[^\r\n"\\]+/gi;

/**
 * `key: value`, `key=value`, `"key": "value"`, `{\"key\": \"value\"}`, `key%3Dvalue` inside free text (query
 * strings, JSON that did not parse, messages such as `retry with password=...`); the value quoted or up to
 * the next separator (`&` or its encoded `%26` too). The match starts only where a key starts (the
 * lookbehind), and the lookahead, atomic in JavaScript, decides once per key whether it names a secret: no
 * key is rescanned, unlike the old `[\w.-]*(?:password|...)[\w.-]*`, which was cubic on runs of key words.
 */
const KEY_VALUE = new RegExp(
  `(?<!${KEY_CHAR})((?=${KEY_CHAR}*?(?:${SENSITIVE_WORDS})|(?:${KEY_CHAR}*?[_.-])?(?:${SENSITIVE_LAST_WORDS})(?!${KEY_CHAR}))${KEY_CHAR}+)` +
    `(\\\\{0,3}["']?[ \\t]{0,16}(?:[:=]|%3[ad])[ \\t]{0,16})` +
    // The quoted value runs to its closing quote or, unclosed, to the end. An optional scheme word
    // (`Authorization: Token <credential>`) is taken with the value when a long credential-like token follows.
    `(?:\\\\{0,3}"[^"]*"?|\\\\{0,3}'[^']*'?|(?:[A-Za-z][\\w-]*[ \\t]{1,8}(?=[\\w\\-.~+/]{8}))?(?:[^\\s"',;&}%]|%(?!26))+)`,
  'gi',
);

/** Every regular expression that runs over outside text, for the ReDoS check in the tests. */
export const PATTERNS_ON_OUTSIDE_TEXT: readonly RegExp[] = [
  SENSITIVE_KEY,
  ...SECRET_LOOKS.map(({ pattern }) => pattern),
  COOKIE_HEADER,
  KEY_VALUE,
];

/**
 * Secrets recognised by their look go first, so that `Authorization: Bearer <token>` loses the token and not
 * only the word `Bearer`; then cookie headers; then the values of sensitive keys. Text past
 * `MAX_SCRUBBED_CHARACTERS` is cut first and replaced by a marker: never shown unscrubbed.
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

/** The scrubbing itself, uncut: linear in the text's length (measured by `npm run bench`). */
export function redactSecrets(text: string): string {
  let withoutPatterns = redactUrlCredentials(text);
  for (const { pattern, replacement } of SECRET_LOOKS) {
    withoutPatterns = withoutPatterns.replace(pattern, replacement);
  }
  withoutPatterns = redactEmailAddresses(withoutPatterns);
  const withoutCookies = withoutPatterns.replace(COOKIE_HEADER, `$1${REDACTED}`);
  // The quotes of a quoted value go with the value.
  return withoutCookies.replace(KEY_VALUE, `$1$2${REDACTED}`);
}

/** Where the credentials of a URL end: none of these appear unencoded in `user:password`. */
const URL_CREDENTIALS_END = /[\s@"'`<>\\]/;

/**
 * `scheme://user:password@host` becomes `scheme://[REDACTED]@host`; the password may hold `/` or `:`
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
    if (text[end] !== '@' || colon >= end) continue;
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

/** A `JSON.stringify` replacer: values under sensitive keys are replaced whole, strings are scrubbed. */
export function scrubReplacer(key: string, value: unknown): unknown {
  if (key !== '' && value !== undefined && value !== null && isSensitiveKey(key)) return REDACTED;
  return typeof value === 'string' ? scrubText(value) : value;
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
    copy[key] =
      item !== undefined && item !== null && isSensitiveKey(key)
        ? REDACTED
        : scrubValue(item, seen, depth + 1);
  }
  return copy;
}
