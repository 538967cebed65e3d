import net from 'node:net';
import { type Dependency, type Faultable, type Mode, SLOW_MS } from './faults';

/**
 * A TCP proxy on 127.0.0.1 in front of Postgres or Redis that fails as told: `refused` stops listening and
 * drops every connection, `hangs` accepts and forwards nothing (open connections stall), `slow` holds back
 * what the server sends, and `error` drops every connection at once (Postgres: a failover) or answers every
 * Redis command with an error reply (Redis: at its client limit). `poison` passes traffic through: the soak
 * corrupts the data itself.
 */
export class TcpFaultProxy implements Faultable {
  readonly dependency: Dependency;
  readonly #targetPort: number;
  readonly #errorStyle: 'drop' | 'redis-error';
  readonly #server: net.Server;
  readonly #pairs = new Set<{ client: net.Socket; upstream?: net.Socket; stalled: boolean }>();
  #mode: Mode = 'healthy';
  #calls = 0;
  port = 0;

  private constructor(dependency: Dependency, targetPort: number, errorStyle: 'drop' | 'redis-error') {
    this.dependency = dependency;
    this.#targetPort = targetPort;
    this.#errorStyle = errorStyle;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  static async start(
    dependency: Dependency,
    targetPort: number,
    errorStyle: 'drop' | 'redis-error',
  ): Promise<TcpFaultProxy> {
    const proxy = new TcpFaultProxy(dependency, targetPort, errorStyle);
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.#server.address() as net.AddressInfo).port;
    return proxy;
  }

  get calls(): number {
    return this.#calls;
  }

  get mode(): Mode {
    return this.#mode;
  }

  set mode(next: Mode) {
    const previous = this.#mode;
    this.#mode = next;
    if (next === previous) return;
    if (previous === 'hangs') this.#dropStalled();
    if (next === 'hangs') for (const pair of this.#pairs) pair.stalled = true;
    if (next === 'error' && this.#errorStyle === 'drop') this.#dropAll();
    if (next === 'refused') {
      this.#server.close();
      this.#dropAll();
    } else if (previous === 'refused') {
      this.#server.listen(this.port, '127.0.0.1');
    }
  }

  async close(): Promise<void> {
    this.#dropAll();
    await new Promise<void>((resolve) =>
      this.#server.listening ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  #accept(client: net.Socket): void {
    this.#calls += 1;
    client.on('error', () => undefined);
    const pair: { client: net.Socket; upstream?: net.Socket; stalled: boolean } = { client, stalled: false };
    this.#pairs.add(pair);
    client.on('close', () => {
      this.#pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (this.#mode === 'hangs') {
      pair.stalled = true;
      client.resume();
      return;
    }
    if (this.#mode === 'error') {
      if (this.#errorStyle === 'drop') client.destroy();
      else client.on('data', (chunk) => this.#redisError(client, chunk));
      return;
    }
    const upstream = net.connect(this.#targetPort, '127.0.0.1');
    pair.upstream = upstream;
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      if (pair.stalled) return;
      if (this.#mode === 'error' && this.#errorStyle === 'redis-error') this.#redisError(client, chunk);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (pair.stalled) return;
      if (this.#mode === 'slow') setTimeout(() => client.destroyed || client.write(chunk), SLOW_MS);
      else client.write(chunk);
    });
  }

  /** One error reply per RESP command (`*<n>` starts each). */
  #redisError(client: net.Socket, chunk: Buffer): void {
    const commands = chunk
      .toString('latin1')
      .split('\r\n')
      .filter((line) => line.startsWith('*')).length;
    client.write('-ERR max number of clients reached\r\n'.repeat(Math.max(1, commands)));
  }

  #dropStalled(): void {
    for (const pair of this.#pairs) if (pair.stalled) pair.client.destroy();
  }

  #dropAll(): void {
    for (const pair of this.#pairs) pair.client.destroy();
  }
}
