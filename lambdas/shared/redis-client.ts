import { Redis } from 'ioredis';
import type { RedisSettings } from './connection-settings';

/**
 * A Redis client that fails fast instead of waiting: it never queues a command while disconnected, never
 * retries or reconnects by itself, and bounds connecting, each command and disconnecting by `timeoutMs`.
 * Connect it with `connect()`; whoever holds it decides when a new one is made.
 */
export function failFastRedisClient(
  settings: RedisSettings,
  timeoutMs: number,
  connectionName: string,
): Redis {
  return new Redis({
    host: settings.host,
    port: settings.port,
    username: settings.username,
    password: settings.password,
    db: settings.db,
    // Node checks the certificate against `servername`: the ElastiCache endpoint's name when the host is an alias.
    ...(settings.tls && { tls: { servername: settings.tlsServerName ?? settings.host } }),
    lazyConnect: true,
    enableOfflineQueue: false,
    enableReadyCheck: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    reconnectOnError: () => false,
    autoResubscribe: false,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    disconnectTimeout: timeoutMs,
    connectionName,
  });
}
