import type { RedisSettings } from '../connection-settings';
import { failFastRedisClient } from '../redis-client';
import type { DependencyCheck } from './dependency-checks';

/** `PING` over a new fail-fast connection, disconnected when the deadline passes. */
export function redisCheck(options: {
  target: string;
  settings: () => Promise<RedisSettings>;
  timeoutMs: number;
}): DependencyCheck {
  return {
    dependency: 'Redis',
    target: options.target,
    run: async (signal) => {
      const settings = await options.settings();
      // Given up while the settings (the AUTH secret) were read: an abort listener added now would never fire.
      signal.throwIfAborted();
      const client = failFastRedisClient(settings, options.timeoutMs, 'signupflow-self-test');
      let socketError: Error | undefined;
      client.on('error', (error: Error) => {
        socketError = error;
      });
      const disconnect = () => client.disconnect(false);
      signal.addEventListener('abort', disconnect, { once: true });
      try {
        try {
          await client.connect();
        } catch (error) {
          throw socketError ?? error; // ioredis says only "Connection is closed"; the socket says why
        }
        return `PING answered ${await client.ping()}`;
      } finally {
        signal.removeEventListener('abort', disconnect);
        disconnect();
      }
    },
  };
}
