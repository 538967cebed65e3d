import type { Redis } from 'ioredis';
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
  readonly #settings: () => RedisSettings | Promise<RedisSettings>;
  readonly #timeoutMs: number;

  constructor(settings: () => RedisSettings | Promise<RedisSettings>, timeoutMs: number) {
    this.#settings = settings;
    this.#timeoutMs = timeoutMs;
  }

  async write(key: string, snapshot: MetricsSnapshot): Promise<void> {
    let client: Redis | undefined;
    let timer: NodeJS.Timeout | undefined;
    let ended = false;
    try {
      await Promise.race([
        (async () => {
          const settings = await this.#settings();
          if (ended) return; // the write gave up while the credentials were read: connect no more
          client = failFastRedisClient(settings, this.#timeoutMs, 'signupflow-alert-evaluator');
          client.on('error', () => undefined); // the rejected command says why
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
      ended = true;
      clearTimeout(timer);
      client?.disconnect(false);
    }
  }
}
