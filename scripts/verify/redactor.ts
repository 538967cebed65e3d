import { redactKnownSecrets, webhookSecretParts } from '../../lambdas/shared/known-secrets';
import { REDACTED, scrubText } from '../../lambdas/shared/scrubber';

/** Shorter values are not secrets worth replacing (and would redact ordinary words). */
const MIN_SECRET_LENGTH = 6;

/**
 * The last line of defence before anything is printed: every secret value verify has read (webhook URLs, the
 * DSN's key, tokens, passwords) is replaced wherever it appears, any piece of a secret URL's path or query
 * too (a peer's error that echoes `B000/SECRETXYZ` or a cut-off token), then the shared scrubber removes what
 * looks like a secret. The checks print only hosts, status codes and peers' short error strings.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  /** Segments of secret URLs' paths and values of their queries: redacted whole or in part. */
  readonly #urlParts = new Set<string>();

  /** A secret value, such as a token or a password. */
  add(value: string | undefined): void {
    if (value) this.#remember(value);
  }

  /** A URL that is a secret as a whole (a webhook URL, a DSN): also its path and query, and its credentials. */
  addSecretUrl(value: string | undefined): void {
    if (!value) return;
    this.#remember(value);
    const url = parsed(value);
    if (!url) return;
    this.#remember(url.pathname + url.search);
    this.#remember(url.search);
    for (const part of webhookSecretParts(value)) this.#urlParts.add(part);
    this.#remember(decoded(url.username)); // a DSN's key
    this.#remember(decoded(url.password));
  }

  /** A connection string (DATABASE_URL, REDIS_URL): only its password is secret, not its user, host or database. */
  addPasswordOf(value: string | undefined): void {
    const url = value ? parsed(value) : undefined;
    if (url) this.#remember(decoded(url.password));
  }

  apply(text: string): string {
    let redacted = text;
    // Longest first, so that a URL goes whole before its path is looked for.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      redacted = redacted.split(secret).join(REDACTED);
    }
    return scrubText(redactKnownSecrets(redacted, [...this.#urlParts]));
  }

  #remember(value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.#secrets.add(value);
  }
}

function parsed(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
