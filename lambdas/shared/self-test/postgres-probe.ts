import pg from 'pg';
import type { DependencyCheck } from './dependency-checks';

/** One query over a new connection, destroyed when the deadline passes. */
export function postgresCheck(options: {
  target: string;
  settings: () => Promise<pg.ClientConfig>;
  sql: string;
  describe: (rows: Record<string, unknown>[]) => string;
}): DependencyCheck {
  return {
    dependency: 'Postgres',
    target: options.target,
    run: async (signal) => {
      const settings = await options.settings();
      // Given up while the settings (a secret) were read: an abort listener added now would never fire.
      signal.throwIfAborted();
      const client = new pg.Client({ ...settings, application_name: 'signupflow-self-test' });
      client.on('error', () => undefined); // the rejected connect or query says why
      const destroy = () => {
        (
          client as unknown as { connection?: { stream?: { destroy(): void } } }
        ).connection?.stream?.destroy();
      };
      signal.addEventListener('abort', destroy, { once: true });
      try {
        await client.connect();
        const { rows } = await client.query(options.sql);
        return options.describe(rows);
      } finally {
        signal.removeEventListener('abort', destroy);
        client.end().catch(() => undefined);
      }
    },
  };
}
