/**
 * Secrets recognised by where they stand, whatever their format: the value of a key that names a secret (in
 * every syntax the scrubber sees: `key=`, `key: `, JSON, escaped JSON, URL-encoded, headers, cookies), the
 * credential after an authentication scheme, and URL query parameters with a secret's name. Every pattern
 * starts only where a key starts (a lookbehind) and decides once per key whether it names a secret (a
 * lookahead, atomic in JavaScript): no key is rescanned.
 */
import { REDACTED } from './redacted';

/**
 * Parts of key names that mark a secret wherever they appear in the key (`db_password`, `x-api-key`); not the
 * service Secrets Manager (`secretsmanager` in an ARN, a `secretsManager` client).
 */
const SENSITIVE_WORDS =
  'authorization|cookie|passw(?:or)?d|passphrase|pwd|secret(?!s?-?manager)|token|api[-_]?key|dsn|webhook|credential|' +
  'creds|jwt|' +
  'private[-_]?key|connection[-_]?string|conn[-_]?str|sess(?:ion)?[-_]?id|signature|' +
  '(?:access|signing|encryption|master|license|client|app|application|account|service|consumer|shared|storage|' +
  'subscription|ingest|auth)[-_]?key';
/** Key names that mark a secret only as the whole name or its last part (`pass`, `db_pass`; not `passenger`). */
const SENSITIVE_LAST_WORDS = 'pass|auth';

const SENSITIVE_KEY = new RegExp(`${SENSITIVE_WORDS}|(?:^|[_.-])(?:${SENSITIVE_LAST_WORDS})$`, 'i');

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * Names whose last word is `key`, `sig` or `hmac` (`sentry_key`, `cacheKey`, `x-hook-sig`) name a secret only
 * when their value looks like one: `cache_key=org-1` stays readable, `sentry_key=<32 hex>` does not.
 */
const KEY_LIKE_NAME = /(?:^|[_.-])(?:key|sig|hmac)s?$|[a-z0-9](?:Key|KEY|Sig|SIG|Hmac|HMAC)s?$/i;

export function isKeyLikeName(key: string): boolean {
  return KEY_LIKE_NAME.test(key);
}

const UUID = /^[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}$/;
const CREDENTIAL_CHARACTERS = /^[A-Za-z0-9+/=_-]{16,}$/;

/** At least 16 token characters with letters and digits, and no UUID (an id, such as an idempotency key). */
export function isCredentialLike(value: string): boolean {
  return (
    CREDENTIAL_CHARACTERS.test(value) && /[0-9]/.test(value) && /[A-Za-z]/.test(value) && !UUID.test(value)
  );
}

/** Characters of a key name written in text (`user.password`, `X-Amz-Signature`). */
const KEY_CHAR = '[\\w.-]';
/**
 * Where a key starts: not inside a name, nor after an account id (`arn:aws:secretsmanager:…:123456789012:
 * secret:name` holds no key-value pair; nor does `secretsmanager`, see SENSITIVE_WORDS).
 */
const KEY_START = '(?<![\\w.-]|[0-9]:)';
/** What joins a key to its value: `=`, `: `, `": "`, `\": \"`, `%3D`, PHP's `=>`, Go's `:=`. */
const SEPARATOR = `\\\\{0,3}["']?[ \\t]{0,16}(?:=>|:=|[:=]|%3[aAdD])[ \\t]{0,16}`;

/** `Authorization: Bearer <token>` and `Basic <base64>` anywhere: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(Bearer|Basic)\s{1,16}[A-Za-z0-9\-._~+/]+=*/gi;

/**
 * `Cookie: a=1; session=...`: every cookie of the header goes, up to the end of the line (cookie values hold
 * no quote nor backslash, so a header inside a JSON string ends there).
 */
const COOKIE_HEADER = /(?<![\w-])((?:set-)?cookie[ \t]{0,16}:[ \t]{0,16})[^\r\n"\\]+/gi;

/**
 * `key: value`, `key=value`, `"key": "value"`, `{\"key\": \"value\"}`, `key%3Dvalue` inside free text (query
 * strings, JSON that did not parse, messages such as `retry with password=...`); the value quoted or up to
 * the next separator (`&` or its encoded `%26` too). The old `[\w.-]*(?:password|...)[\w.-]*` was cubic on
 * runs of key words.
 */
const KEY_VALUE = new RegExp(
  `${KEY_START}((?=${KEY_CHAR}*?(?:${SENSITIVE_WORDS})|(?:${KEY_CHAR}*?[_.-])?(?:${SENSITIVE_LAST_WORDS})(?!${KEY_CHAR}))${KEY_CHAR}+)` +
    `(${SEPARATOR})` +
    // The quoted value runs to its closing quote or, unclosed, to the end. An optional scheme word
    // (`Authorization: Token <credential>`) is taken with the value when a long credential-like token follows.
    `(?:\\\\{0,3}"[^"]*"?|\\\\{0,3}'[^']*'?|(?:[A-Za-z][\\w-]*[ \\t]{1,8}(?=[\\w\\-.~+/]{8}))?(?:[^\\s"',;&}%]|%(?!26))+)`,
  'gi',
);

/** `sentry_key=<value>`, `"apiKey": "<value>"`: the value goes when it looks like a credential. */
const KEY_LIKE_VALUE = new RegExp(
  `${KEY_START}((?=(?:${KEY_CHAR}*?[_.-])?(?:[Kk][Ee][Yy]|[Ss][Ii][Gg]|[Hh][Mm][Aa][Cc])[Ss]?(?!${KEY_CHAR})|` +
    `${KEY_CHAR}*?[a-z0-9](?:Key|KEY|Sig|SIG|Hmac|HMAC)s?(?!${KEY_CHAR}))${KEY_CHAR}+)` +
    `(${SEPARATOR}\\\\{0,3}["']?)([A-Za-z0-9+/=_-]{16,})(?![\\w.~:@%+/=-])`,
  'g',
);

/**
 * Query parameters that carry a credential under a name that would be too common as a key in prose: `?sig=`
 * (Azure SAS), `&key=` (Google), `?code=` (OAuth), `ticket`, `otp`, `jwt`, `hmac`; after `?`, `&`, `;` or their
 * URL encodings.
 */
const QUERY_PARAMETER =
  /(?<=[?&;]|%3[Ff]|%26)((?:sig|key|code|ticket|otp|jwt|hmac|apikey|access_?key|auth_?code)(?:=|%3[Dd]))(?:[^&#\s"'<>%]|%(?!26|23))+/gi;

/** The credential after `Bearer` or `Basic`; first, so that `Authorization: Bearer <token>` loses the token. */
export function redactAuthSchemes(text: string): string {
  return text.replace(AUTH_SCHEME, `$1 ${REDACTED}`);
}

/** Cookie headers, then values of secret-naming keys, of key-like names when credential-like, and parameters. */
export function redactByContext(text: string): string {
  // Each pass needs its separator; a quick look for it spares the pass on most log strings.
  if (!ANY_SEPARATOR.test(text)) return text;
  const withoutCookies = COOKIE_WORD.test(text) ? text.replace(COOKIE_HEADER, `$1${REDACTED}`) : text;
  // The quotes of a quoted value go with the value.
  const withoutValues = SENSITIVE_ANYWHERE.test(withoutCookies)
    ? withoutCookies.replace(KEY_VALUE, `$1$2${REDACTED}`)
    : withoutCookies;
  const withoutKeyLike = KEY_LIKE_WORD.test(withoutValues)
    ? withoutValues.replace(KEY_LIKE_VALUE, (match, name, separator, value) =>
        isCredentialLike(value) ? `${name}${separator}${REDACTED}` : match,
      )
    : withoutValues;
  return QUERY_START.test(withoutKeyLike)
    ? withoutKeyLike.replace(QUERY_PARAMETER, `$1${REDACTED}`)
    : withoutKeyLike;
}

const ANY_SEPARATOR = /[:=%]/;
/** Any word a secret's key holds, anywhere: without one, no key in the text names a secret. */
const SENSITIVE_ANYWHERE = new RegExp(`${SENSITIVE_WORDS}|${SENSITIVE_LAST_WORDS}`, 'i');
const KEY_LIKE_WORD = /key|sig|hmac/i;
const COOKIE_WORD = /cookie/i;
const QUERY_START = /[?&;]|%3f|%26/i;

/** Every pattern of this file, for the ReDoS check. */
export const CONTEXT_PATTERNS: readonly RegExp[] = [
  SENSITIVE_KEY,
  KEY_LIKE_NAME,
  AUTH_SCHEME,
  COOKIE_HEADER,
  KEY_VALUE,
  KEY_LIKE_VALUE,
  QUERY_PARAMETER,
  ANY_SEPARATOR,
  SENSITIVE_ANYWHERE,
  COOKIE_WORD,
  QUERY_START,
  KEY_LIKE_WORD,
];
