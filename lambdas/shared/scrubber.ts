/**
 * The one scrubber that keeps secrets and personal data out of logs (Logger's `jsonReplacerFn`) and out of
 * error reports (Sentry's `beforeSend` and `beforeBreadcrumb`).
 */
export const REDACTED = '[REDACTED]';

const SENSITIVE_WORDS =
  'authorization|cookie|passw(?:or)?d|secret|token|api[-_]?key|dsn|webhook|credential|private[-_]?key|connection[-_]?string';
const SENSITIVE_KEY = new RegExp(SENSITIVE_WORDS, 'i');

/**
 * Each alternative is one kind of secret found inside free text. The order matters: credentials inside a URL
 * are replaced before the e-mail pattern could match `user:password@host.tld`.
 */
const SENSITIVE_TEXT = new RegExp(
  [
    /(?<urlScheme>\b[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]*:[^\s/@]+@/,
    /https:\/\/hooks\.slack(?:-gov)?\.com\/[A-Za-z0-9_/-]+/,
    /\b(?<authScheme>Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/,
    /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/,
    /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/,
  ]
    .map((pattern) => pattern.source)
    .join('|'),
  'gi',
);

export function isSensitiveKey(key: string): boolean {
  return SENSITIVE_KEY.test(key);
}

/**
 * `key: value`, `key=value`, `"key": "value"` inside free text (query strings, JSON that did not parse,
 * messages such as `retry with password=...`); the value quoted or up to the next separator.
 */
const KEY_VALUE = new RegExp(
  // An optional scheme word (`Authorization: Token <credential>`) is taken with the value when a long
  // credential-like token follows it.
  `(["']?)([\\w.-]*(?:${SENSITIVE_WORDS})[\\w.-]*)\\1(\\s*[:=]\\s*)` +
    `(?:"[^"]*"|'[^']*'|(?:[A-Za-z][\\w-]*\\s+(?=[\\w\\-.~+/]{8,}))?[^\\s"',;&}]+)`,
  'gi',
);

/**
 * Secrets recognised by their look go first, so that `Authorization: Bearer <token>` loses the token and not
 * only the word `Bearer`; then the values of sensitive keys.
 */
export function scrubText(text: string): string {
  const withoutPatterns = text.replace(SENSITIVE_TEXT, (_match, ...args: unknown[]) => {
    const groups = args.at(-1) as { urlScheme?: string; authScheme?: string };
    if (groups.urlScheme) return `${groups.urlScheme}${REDACTED}@`;
    if (groups.authScheme) return `${groups.authScheme} ${REDACTED}`;
    return REDACTED;
  });
  return redactKeyValues(withoutPatterns);
}

/** Values of sensitive keys written into text; the quotes go with the value. */
function redactKeyValues(text: string): string {
  return text.replace(KEY_VALUE, (_match, keyQuote: string, key: string, separator: string) => {
    return `${keyQuote}${key}${keyQuote}${separator}${REDACTED}`;
  });
}

/** A `JSON.stringify` replacer: values under sensitive keys are replaced whole, strings are scrubbed. */
export function scrubReplacer(key: string, value: unknown): unknown {
  if (key !== '' && value !== undefined && value !== null && isSensitiveKey(key)) return REDACTED;
  return typeof value === 'string' ? scrubText(value) : value;
}

/** A scrubbed deep copy of any value (plain objects, arrays, errors); cycles become `[Circular]`. */
export function scrub<T>(value: T): T {
  return scrubValue(value, new WeakSet()) as T;
}

function scrubValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, seen));
  const copy: Record<string, unknown> = {};
  const source =
    value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  for (const [key, item] of Object.entries(source)) {
    copy[key] =
      item !== undefined && item !== null && isSensitiveKey(key) ? REDACTED : scrubValue(item, seen);
  }
  return copy;
}
