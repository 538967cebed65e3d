import type { Component, Probe } from './probe';

/**
 * A probe over one connection kept for the Lambda environment: opened at the first check, shared by the
 * checks that follow, and destroyed by `reset()` (also while still connecting) so that the next check opens a
 * new one instead of waiting on a dead socket.
 */
export abstract class ConnectionProbe<Client> implements Probe {
  abstract readonly component: Component;
  readonly timeoutMs: number;
  /** The client being connected or connected. */
  protected client: Client | undefined;
  #connection: Promise<Client> | undefined;
  /** Counts resets: a connection begun before the latest reset is destroyed, never adopted. */
  #generation = 0;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  abstract check(): Promise<void>;

  /**
   * Opens a connection. Calls `adopt(client)` as soon as the client exists, before waiting on the network, so
   * that a reset meanwhile can destroy it; `adopt` throws when the connection is already stale.
   */
  protected abstract connect(adopt: (client: Client) => void): Promise<Client>;

  protected abstract destroy(client: Client): void;

  reset(): void {
    this.#generation += 1;
    const client = this.client;
    this.client = undefined;
    this.#connection = undefined;
    if (client) this.destroy(client);
  }

  /** For tests and the local server: closes the connection for good. */
  close(): void {
    this.reset();
  }

  protected connected(): Promise<Client> {
    if (this.#connection) return this.#connection;
    const generation = this.#generation;
    const adopt = (client: Client): void => {
      // A check that timed out while the settings (a secret) were still being read must not leave a client
      // behind that connects later and is never closed.
      if (generation !== this.#generation) {
        this.destroy(client);
        throw new Error('The connection was reset while it was being opened');
      }
      this.client = client;
    };
    const connection = this.connect(adopt);
    this.#connection = connection;
    connection.catch(() => {
      if (this.#connection === connection) this.reset();
    });
    return connection;
  }

  /** Resets when `client`, still the current one, fails or closes while idle. */
  protected resetWhenLost(client: Client): () => void {
    return () => {
      if (this.client === client) this.reset();
    };
  }
}
