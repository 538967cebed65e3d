import pg from 'pg';
import { ConnectionProbe } from './connection-probe';
import { SettingsError, UnexpectedReplyError } from './probe';

export type PostgresSettingsProvider = () => Promise<pg.ClientConfig>;

/**
 * `SELECT 1` over one connection per environment. pg stalls `connect()` on a server that accepts TCP and
 * never answers unless `connectionTimeoutMillis` is set; the driver's timeouts are set too, but the caller's
 * hard timer is what bounds the check, and `reset()` destroys the socket so that nothing waits on it later.
 */
export class PostgresProbe extends ConnectionProbe<pg.Client> {
  readonly component = 'database';
  readonly #settings: PostgresSettingsProvider;

  constructor(settings: PostgresSettingsProvider, timeoutMs: number) {
    super(timeoutMs);
    this.#settings = settings;
  }

  protected async ask(client: pg.Client): Promise<void> {
    const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
    if (rows.length !== 1 || rows[0]?.ok !== 1)
      throw new UnexpectedReplyError('SELECT 1 returned another row');
  }

  protected async connect(adopt: (client: pg.Client) => void): Promise<pg.Client> {
    let settings: pg.ClientConfig;
    try {
      settings = await this.#settings();
    } catch (error) {
      throw new SettingsError('The database connection settings are unavailable', { cause: error });
    }
    const client = new pg.Client({
      ...settings,
      application_name: 'signupflow-health',
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
    });
    adopt(client);
    // A connection that fails while idle (server restart, network) must not crash the environment.
    client.on('error', this.resetWhenLost(client));
    client.on('end', this.resetWhenLost(client));
    await client.connect();
    return client;
  }

  /** Ends the client and destroys its socket, which `end()` alone leaves waiting on a hung server. */
  protected destroy(client: pg.Client): void {
    const internals = client as unknown as { connection?: { stream?: { destroy(): void } } };
    internals.connection?.stream?.destroy();
    client.end().catch(() => undefined);
  }
}
