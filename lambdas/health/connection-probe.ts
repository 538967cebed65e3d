import type { Component, Probe } from './probe';

/**
 * A probe over one connection kept for the Lambda environment: opened at the first check, shared by the
 * checks that follow, and destroyed by `reset()` (also while still connecting) so that the next check opens a
 * new one instead of waiting on a dead socket.
 */
export abstract class ConnectionProbe<Client> implements Probe {
  abstract readonly component: Component;
  readonly timeoutMs: number;
  /** The client being connected or connected; `connect()` sets it before it waits on the network. */
  protected client: Client | undefined;
  #connection: Promise<Client> | undefined;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  abstract check(): Promise<void>;

  /** Opens a connection and sets `this.client` as soon as the client exists. */
  protected abstract connect(): Promise<Client>;

  protected abstract destroy(client: Client): void;

  reset(): void {
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
    const connection = this.connect();
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
