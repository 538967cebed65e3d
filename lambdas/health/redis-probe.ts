import type { Redis } from 'ioredis';
import type { RedisSettings } from '../shared/connection-settings';
import { failFastRedisClient } from '../shared/redis-client';
import { ConnectionProbe } from './connection-probe';
import { SettingsError, UnexpectedReplyError } from './probe';

export type RedisSettingsProvider = () => RedisSettings | Promise<RedisSettings>;

/**
 * `PING` over one connection per environment. The client never queues, retries or reconnects by itself: a
 * failed check fails at once and `reset()` decides when a new connection is made.
 */
export class RedisProbe extends ConnectionProbe<Redis> {
  readonly component = 'redis';
  readonly #settings: RedisSettingsProvider;
  /** ioredis rejects `connect()` with a generic "Connection is closed"; the socket's own error says why. */
  #lastError: Error | undefined;

  constructor(settings: RedisSettingsProvider, timeoutMs: number) {
    super(timeoutMs);
    this.#settings = settings;
  }

  protected async ask(client: Redis): Promise<void> {
    const reply = await client.ping();
    if (reply !== 'PONG') throw new UnexpectedReplyError('PING returned another reply');
  }

  protected destroy(client: Redis): void {
    client.disconnect(false);
  }

  protected async connect(adopt: (client: Redis) => void): Promise<Redis> {
    let settings: RedisSettings;
    try {
      settings = await this.#settings();
    } catch (error) {
      throw new SettingsError('The Redis connection settings are unavailable', { cause: error });
    }
    const client = failFastRedisClient(settings, this.timeoutMs, 'signupflow-health');
    adopt(client);
    this.#lastError = undefined;
    client.on('error', (error: Error) => {
      this.#lastError = error;
    });
    client.on('end', this.resetWhenLost(client));
    try {
      await client.connect();
    } catch (error) {
      throw this.#lastError ?? error;
    }
    return client;
  }
}
