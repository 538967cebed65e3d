import { Redis } from 'ioredis';
import type { RedisSettings } from '../shared/connection-settings';
import { type Probe, SettingsError, UnexpectedReplyError } from './probe';

export type RedisSettingsProvider = () => RedisSettings | Promise<RedisSettings>;

/**
 * `PING` over one connection per environment. The client never queues, retries or reconnects by itself: a
 * failed check fails at once and `reset()` decides when a new connection is made.
 */
export class RedisProbe implements Probe {
  readonly component = 'redis';
  readonly timeoutMs: number;
  readonly #settings: RedisSettingsProvider;
  #client: Redis | undefined;
  #connection: Promise<Redis> | undefined;
  /** ioredis rejects `connect()` with a generic "Connection is closed"; the socket's own error says why. */
  #lastError: Error | undefined;

  constructor(settings: RedisSettingsProvider, timeoutMs: number) {
    this.#settings = settings;
    this.timeoutMs = timeoutMs;
  }

  async check(): Promise<void> {
    const client = await this.#connected();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new UnexpectedReplyError('PING returned another reply');
  }

  reset(): void {
    const client = this.#client;
    this.#client = undefined;
    this.#connection = undefined;
    client?.disconnect(false);
  }

  close(): void {
    this.reset();
  }

  #connected(): Promise<Redis> {
    if (this.#connection) return this.#connection;
    const connection = this.#connect();
    this.#connection = connection;
    connection.catch(() => {
      if (this.#connection === connection) this.reset();
    });
    return connection;
  }

  async #connect(): Promise<Redis> {
    let settings: RedisSettings;
    try {
      settings = await this.#settings();
    } catch (error) {
      throw new SettingsError('The Redis connection settings are unavailable', { cause: error });
    }
    const client = new Redis({
      host: settings.host,
      port: settings.port,
      username: settings.username,
      password: settings.password,
      db: settings.db,
      ...(settings.tls && { tls: { servername: settings.host } }),
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      reconnectOnError: () => false,
      autoResubscribe: false,
      connectTimeout: this.timeoutMs,
      commandTimeout: this.timeoutMs,
      disconnectTimeout: this.timeoutMs,
      connectionName: 'signupflow-health',
    });
    this.#client = client;
    this.#lastError = undefined;
    client.on('error', (error: Error) => {
      this.#lastError = error;
    });
    client.on('end', () => {
      if (this.#client === client) this.reset();
    });
    try {
      await client.connect();
    } catch (error) {
      throw this.#lastError ?? error;
    }
    return client;
  }
}
