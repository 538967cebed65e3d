import { redactKnownSecrets, webhookSecretParts } from '../shared/known-secrets';
import { scrubText } from '../shared/scrubber';

/**
 * Posts a message to a Slack incoming webhook until Slack says `ok`, Slack rejects it for good, or the time
 * budget ends. 429 waits Retry-After (bounded); 5xx, timeouts and connection errors back off exponentially
 * with jitter; every post to one webhook waits for the previous one plus `minIntervalMs` (Slack allows about
 * one message per second per webhook). The webhook URL is a secret: it appears in no result and no error, and
 * neither does any part of it that Slack's answer echoes.
 */
export type RetryCause = 'rate_limited' | 'server_error' | 'timeout' | 'network_error';
export type FailureReason = 'rejected' | RetryCause;

export type DeliveryResult =
  | { delivered: true; attempts: number; status: number }
  | {
      delivered: false;
      attempts: number;
      reason: FailureReason;
      /** True when Slack refused the message itself (400, 403, 404, 410): retrying cannot help. */
      permanent: boolean;
      status?: number;
      /** Slack's error string, e.g. `invalid_payload`, `no_service`, `channel_is_archived`. */
      slackError?: string;
      /** A short technical detail such as `ECONNREFUSED`; never the URL. */
      detail?: string;
    };

export interface DeliveryOptions {
  requestTimeoutMs: number;
  maxRetryAfterMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  minIntervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  requestTimeoutMs: 5_000,
  maxRetryAfterMs: 20_000,
  backoffBaseMs: 500,
  backoffMaxMs: 4_000,
  minIntervalMs: 1_000,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** An attempt is not started with less time than this left: it could not finish. */
const MIN_ATTEMPT_MS = 100;
const MAX_ERROR_CHARS = 200;

type Attempt =
  | { kind: 'ok'; status: number }
  | {
      kind: 'retry';
      cause: RetryCause;
      status?: number;
      slackError?: string;
      detail?: string;
      waitMs?: number;
    }
  | { kind: 'rejected'; status: number; slackError: string };

export class SlackDelivery {
  readonly #options: DeliveryOptions;
  /** Per webhook key (the channel name, never the URL): the earliest time of the next post. */
  readonly #nextPostAt = new Map<string, number>();

  constructor(options: Partial<DeliveryOptions> = {}) {
    this.#options = { ...DEFAULT_DELIVERY_OPTIONS, ...options };
  }

  async deliver(
    webhook: { key: string; url: string },
    payload: string,
    deadline: number,
    onRetry: (cause: RetryCause) => void = () => undefined,
  ): Promise<DeliveryResult> {
    const { now, sleep } = this.#options;
    let attempts = 0;
    let last: Extract<Attempt, { kind: 'retry' }> = {
      kind: 'retry',
      cause: 'timeout',
      detail: 'no time left',
    };
    while (true) {
      const pacedUntil = this.#nextPostAt.get(webhook.key) ?? 0;
      if (pacedUntil > now()) {
        if (pacedUntil + MIN_ATTEMPT_MS > deadline) return this.#failed(attempts, last);
        await sleep(pacedUntil - now());
      }
      const remaining = deadline - now();
      if (remaining < MIN_ATTEMPT_MS) return this.#failed(attempts, last);

      attempts += 1;
      this.#nextPostAt.set(webhook.key, now() + this.#options.minIntervalMs);
      const attempt = await post(webhook.url, payload, Math.min(this.#options.requestTimeoutMs, remaining));
      this.#nextPostAt.set(webhook.key, now() + this.#options.minIntervalMs);

      if (attempt.kind === 'ok') return { delivered: true, attempts, status: attempt.status };
      if (attempt.kind === 'rejected') {
        return {
          delivered: false,
          attempts,
          reason: 'rejected',
          permanent: true,
          status: attempt.status,
          slackError: attempt.slackError,
        };
      }
      last = attempt;
      const waitMs =
        attempt.cause === 'rate_limited'
          ? Math.min(attempt.waitMs ?? 1_000, this.#options.maxRetryAfterMs)
          : this.#backoff(attempts);
      if (now() + waitMs + MIN_ATTEMPT_MS > deadline) return this.#failed(attempts, last);
      onRetry(attempt.cause);
      await sleep(waitMs);
    }
  }

  #backoff(attempts: number): number {
    const { backoffBaseMs, backoffMaxMs, random } = this.#options;
    const ceiling = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempts - 1));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  #failed(attempts: number, last: Extract<Attempt, { kind: 'retry' }>): DeliveryResult {
    return {
      delivered: false,
      attempts,
      reason: last.cause,
      permanent: false,
      ...(last.status !== undefined && { status: last.status }),
      ...(last.slackError && { slackError: last.slackError }),
      ...(last.detail && { detail: last.detail }),
    };
  }
}

async function post(url: string, payload: string, timeoutMs: number): Promise<Attempt> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: payload,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = slackAnswer(await response.text(), url);
    if (response.status === 200 && body === 'ok') return { kind: 'ok', status: 200 };
    if (response.status === 429) {
      return {
        kind: 'retry',
        cause: 'rate_limited',
        status: 429,
        slackError: body || undefined,
        waitMs: retryAfterMs(response.headers.get('retry-after')),
      };
    }
    if (response.status >= 500 || response.status < 400) {
      return { kind: 'retry', cause: 'server_error', status: response.status, slackError: body || undefined };
    }
    if (response.status === 408)
      return { kind: 'retry', cause: 'timeout', status: 408, slackError: body || undefined };
    return { kind: 'rejected', status: response.status, slackError: body || `http_${response.status}` };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return { kind: 'retry', cause: 'timeout', detail: `no response within ${timeoutMs} ms` };
    }
    const code = ((error as Error & { cause?: { code?: unknown } }).cause?.code ?? name) as string;
    return { kind: 'retry', cause: 'network_error', detail: String(code).slice(0, 50) };
  }
}

/**
 * Slack's answer as it may be logged and queued: without any part of the webhook's path, scrubbed, and cut
 * (after redacting, so that the cut cannot leave the start of a secret behind a shortened match).
 */
function slackAnswer(body: string, url: string): string {
  const redacted = redactKnownSecrets(body.slice(0, 4 * MAX_ERROR_CHARS).trim(), webhookSecretParts(url));
  return scrubText(redacted).slice(0, MAX_ERROR_CHARS);
}

/** Retry-After in seconds (Slack's form) or as an HTTP date; one second when missing or unreadable. */
function retryAfterMs(header: string | null): number {
  if (!header) return 1_000;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? 1_000 : Math.max(0, date - Date.now());
}
