import type { Redis } from 'ioredis';
import type { RedisSettings } from '../shared/connection-settings';
import { failFastRedisClient } from '../shared/redis-client';

export class SnapshotStoreTimeoutError extends Error {
  override name = 'SnapshotStoreTimeoutError';
}

/**
 * Reads the snapshot's key over one Redis connection kept for the Lambda environment. Every read has a hard
 * timer around the connect and the GET together: a hung or stopped Redis fails the read within `timeoutMs`,
 * and the connection is destroyed so that the next scrape opens a new one instead of waiting on a dead socket.
 * The client never queues, retries or reconnects by itself.
 */
export class SnapshotStore {
  readonly #settings: () => RedisSettings | Promise<RedisSettings>;
  readonly #timeoutMs: number;
  #client: Promise<Redis> | undefined;
  #current: Redis | undefined;
  /** Bumped by `close()`: a connect still reading its settings then opens no connection. */
  #generation = 0;

  constructor(settings: () => RedisSettings | Promise<RedisSettings>, timeoutMs: number) {
    this.#settings = settings;
    this.#timeoutMs = timeoutMs;
  }

  /** The key's value, or null when it does not exist. */
  async read(key: string): Promise<string | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new SnapshotStoreTimeoutError(`Redis did not answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
    });
    try {
      return await Promise.race([this.#get(key), timeout]);
    } catch (error) {
      this.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection; the next read opens a new one. */
  close(): void {
    const client = this.#current;
    this.#generation += 1;
    this.#client = undefined;
    this.#current = undefined;
    client?.disconnect(false);
  }

  async #get(key: string): Promise<string | null> {
    this.#client ??= this.#connect();
    const client = await this.#client;
    return client.get(key);
  }

  async #connect(): Promise<Redis> {
    const generation = this.#generation;
    const settings = await this.#settings();
    if (generation !== this.#generation)
      throw new Error('The read gave up while the Redis settings were read');
    const client = failFastRedisClient(settings, this.#timeoutMs, 'signupflow-metrics-exporter');
    this.#current = client;
    let lastError: Error | undefined;
    client.on('error', (error: Error) => {
      lastError = error;
    });
    client.on('end', () => {
      if (this.#current === client) this.close();
    });
    try {
      await client.connect();
    } catch (error) {
      // ioredis rejects with a generic "Connection is closed"; the socket's own error says why.
      throw lastError ?? error;
    }
    return client;
  }
}
