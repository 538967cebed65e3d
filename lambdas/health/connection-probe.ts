import type { Component, Probe } from './probe';

/** A check shared by concurrent callers: settled by the attempt, or earlier by the first failure's cause. */
class SharedCheck {
  readonly promise: Promise<void>;
  settled = false;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  resolve(): void {
    if (this.settled) return;
    this.settled = true;
    this.#resolve();
  }

  reject(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.#reject(error);
  }
}

/**
 * A probe over one connection kept for the Lambda environment: opened at the first check, shared by the
 * checks that follow, and destroyed by `reset()` (also while still connecting) so that the next check opens a
 * new one instead of waiting on a dead socket.
 *
 * Concurrent checks share the one in flight, and all of them fail with the cause of its first failure: when
 * one caller's timer gives up and resets the connection, the others see that timeout, not the "connection
 * closed" the reset itself causes.
 *
 * A connection reused from an earlier check may have been dropped by the server while the environment was
 * frozen (an RDS Proxy idle timeout, a failover, a NAT timeout): when a check over a reused connection fails,
 * it is tried once more over a fresh one. A check over a fresh connection is never retried, and no retry
 * starts after the caller gave up (its `reset(cause)` settles the check), so the caller's hard timer bounds
 * both attempts together.
 */
export abstract class ConnectionProbe<Client> implements Probe {
  abstract readonly component: Component;
  readonly timeoutMs: number;
  /** The client being connected or connected. */
  protected client: Client | undefined;
  #connection: Promise<Client> | undefined;
  /** Whether `#connection` was opened and answered a check before: a connection the server may have dropped. */
  #proven = false;
  /** Counts resets: a connection begun before the latest reset is destroyed, never adopted. */
  #generation = 0;
  #inFlight: SharedCheck | undefined;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** One request over `client` that a healthy dependency answers as expected (`SELECT 1`, `PING`). */
  protected abstract ask(client: Client): Promise<void>;

  /**
   * Opens a connection. Calls `adopt(client)` as soon as the client exists, before waiting on the network, so
   * that a reset meanwhile can destroy it; `adopt` throws when the connection is already stale.
   */
  protected abstract connect(adopt: (client: Client) => void): Promise<Client>;

  protected abstract destroy(client: Client): void;

  check(): Promise<void> {
    if (this.#inFlight) return this.#inFlight.promise;
    const shared = new SharedCheck();
    this.#inFlight = shared;
    this.#attempt(shared).then(
      () => shared.resolve(),
      (error: unknown) => shared.reject(error),
    );
    shared.promise
      .catch(() => undefined)
      .finally(() => {
        if (this.#inFlight === shared) this.#inFlight = undefined;
      });
    return shared.promise;
  }

  async #attempt(shared: SharedCheck): Promise<void> {
    const reused = this.#proven;
    try {
      await this.#askOnce();
    } catch (error) {
      if (!reused || shared.settled) throw error;
      this.reset();
      await this.#askOnce();
    }
  }

  async #askOnce(): Promise<void> {
    const connection = this.connected();
    await this.ask(await connection);
    if (this.#connection === connection) this.#proven = true;
  }

  /**
   * Destroys the connection. `cause` (the caller's timeout or failure) becomes the outcome of the check in
   * flight, for every caller that shares it.
   */
  reset(cause?: unknown): void {
    this.#generation += 1;
    const client = this.client;
    const inFlight = this.#inFlight;
    this.client = undefined;
    this.#connection = undefined;
    this.#proven = false;
    if (cause !== undefined && inFlight) {
      this.#inFlight = undefined;
      inFlight.reject(cause);
    }
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
