import type { RedisSettings } from '../../shared/connection-settings';
import type { MetricsSnapshot } from '../../shared/metrics-snapshot';
import { failFastRedisClient } from '../../shared/redis-client';

/** Where the /metrics snapshot goes: Redis in AWS and locally; anything of this shape in tests. */
export interface SnapshotWriter {
  write(key: string, snapshot: MetricsSnapshot): Promise<void>;
}

/** Redis keeps a snapshot a while after the last run: /metrics says "stale" rather than "missing". */
const SNAPSHOT_TTL_SECONDS = 3_600;

/**
 * One `SET` per run over a short-lived connection with hard timeouts: a Redis that is down or hung costs
 * the run at most `timeoutMs` and never its rule evaluation.
 */
export class RedisSnapshotWriter implements SnapshotWriter {
  readonly #settings: () => RedisSettings;
  readonly #timeoutMs: number;

  constructor(settings: () => RedisSettings, timeoutMs: number) {
    this.#settings = settings;
    this.#timeoutMs = timeoutMs;
  }

  async write(key: string, snapshot: MetricsSnapshot): Promise<void> {
    const client = failFastRedisClient(this.#settings(), this.#timeoutMs, 'signupflow-alert-evaluator');
    client.on('error', () => undefined); // the rejected command says why
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          await client.connect();
          await client.set(key, JSON.stringify(snapshot), 'EX', SNAPSHOT_TTL_SECONDS);
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis did not answer within ${this.#timeoutMs} ms`)),
            this.#timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
      client.disconnect(false);
    }
  }
}
