import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type Dependency, type Faultable, type Mode, SLOW_MS } from './faults';

export interface StandInRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export interface StandInBehaviour {
  /** The service at work: it takes the request (and does what it asks) only when it answers. */
  healthy(request: StandInRequest): StandInAnswer | Promise<StandInAnswer>;
  /** A 5xx or a throttle, as the service words it. Nothing is taken. */
  error(request: StandInRequest): StandInAnswer;
  /** An answer the caller cannot use: malformed, or a value that is not one. Nothing is taken. */
  poison(request: StandInRequest): StandInAnswer;
}

/**
 * An HTTP service on 127.0.0.1 that fails as its mode says: `refused` stops listening, `hangs` reads the
 * request and never answers, `slow` answers SLOW_MS late, `error` and `poison` answer as `behaviour` words
 * them. A request is taken only when it is answered healthily: one the caller gave up on meanwhile is not
 * (the soak's figures count what the callers saw; the at-least-once duplicates of a service that takes what
 * it answers too late are covered by tests).
 */
export class FaultableServer implements Faultable {
  readonly dependency: Dependency;
  readonly #behaviour: StandInBehaviour;
  readonly #server = createServer((request, response) => this.#handle(request, response));
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #mode: Mode = 'healthy';
  #calls = 0;
  port = 0;

  private constructor(dependency: Dependency, behaviour: StandInBehaviour) {
    this.dependency = dependency;
    this.#behaviour = behaviour;
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(dependency: Dependency, behaviour: StandInBehaviour): Promise<FaultableServer> {
    const server = new FaultableServer(dependency, behaviour);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.port = (server.#server.address() as AddressInfo).port;
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
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
    if (previous === next) return;
    if (previous === 'hangs') this.#endHanging();
    if (next === 'refused') {
      this.#server.close();
      this.#endHanging();
      for (const socket of this.#sockets) socket.destroy();
    } else if (previous === 'refused') {
      this.#server.listen(this.port, '127.0.0.1');
    }
  }

  async close(): Promise<void> {
    this.#endHanging();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.#server.listening ? this.#server.close(() => resolve()) : resolve(),
    );
  }

  async #handle(incoming: import('node:http').IncomingMessage, response: ServerResponse): Promise<void> {
    this.#calls += 1;
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const request: StandInRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: incoming.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    const mode = this.#mode;
    if (mode === 'hangs') {
      this.#hanging.add(response);
      response.on('close', () => this.#hanging.delete(response));
      return;
    }
    if (mode === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    if (response.destroyed) return;
    try {
      const answer =
        mode === 'error'
          ? this.#behaviour.error(request)
          : mode === 'poison'
            ? this.#behaviour.poison(request)
            : await this.#behaviour.healthy(request);
      if (!response.destroyed) response.writeHead(answer.status, answer.headers).end(answer.body);
    } catch (error) {
      if (!response.destroyed) response.writeHead(500).end(String(error));
    }
  }

  #endHanging(): void {
    for (const response of this.#hanging) response.destroy();
    this.#hanging.clear();
  }
}
