import net from 'node:net';

export interface HungServer {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections accepted and not closed yet: a client that gave up for real closed its own. */
  readonly open: number;
  /**
   * The dependency comes back: connections accepted from now on are forwarded to `targetPort` on 127.0.0.1,
   * while the ones already hung stay hung, as a half-open socket to a restarted server would.
   */
  recover(targetPort: number): void;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1 (port 0) that accepts connections and never answers: a dependency that hangs. */
export async function startHungServer(): Promise<HungServer> {
  const sockets = new Set<net.Socket>();
  const accepted = new Set<net.Socket>();
  let forwardTo: number | undefined;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    accepted.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      accepted.delete(socket);
    });
    socket.on('error', () => undefined);
    // Accept, answer nothing. What arrives is read and dropped, so that the client's close is seen (`open`).
    if (forwardTo === undefined) {
      socket.resume();
      return;
    }
    const upstream = net.connect(forwardTo, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
    upstream.on('close', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    get open() {
      return accepted.size;
    },
    recover(targetPort) {
      forwardTo = targetPort;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens: bound, closed again, and not handed out to the next test. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
