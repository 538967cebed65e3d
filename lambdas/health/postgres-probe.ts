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
  #inFlight: Promise<void> | undefined;

  constructor(settings: PostgresSettingsProvider, timeoutMs: number) {
    super(timeoutMs);
    this.#settings = settings;
  }

  /**
   * Concurrent checks (the local server, a burst of probes) share the one in flight: a pg client runs one
   * query at a time, and one `SELECT 1` answers for all of them.
   */
  check(): Promise<void> {
    if (this.#inFlight) return this.#inFlight;
    const inFlight = this.#checkOnce().finally(() => {
      if (this.#inFlight === inFlight) this.#inFlight = undefined;
    });
    this.#inFlight = inFlight;
    return inFlight;
  }

  async #checkOnce(): Promise<void> {
    const client = await this.connected();
    const { rows } = await client.query<{ ok: number }>('SELECT 1 AS ok');
    if (rows.length !== 1 || rows[0]?.ok !== 1)
      throw new UnexpectedReplyError('SELECT 1 returned another row');
  }

  override reset(): void {
    this.#inFlight = undefined;
    super.reset();
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
