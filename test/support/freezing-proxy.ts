import net from 'node:net';

export interface FreezingProxy {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * The Lambda environment is frozen: from now on, what the server sends or closes reaches no client until
   * that client writes again (the next invocation). A client whose server closed meanwhile then gets a TCP
   * reset; otherwise it gets what was held, and the connection carries on.
   */
  freeze(): void;
  /** Connections accepted from now on are held and never answered: the server hangs for new connections. */
  hang(): void;
  /** The server hangs: open connections carry nothing more, new ones are held and never answered. */
  stall(): void;
  /** Resolves when the server has closed `count` connections in all. */
  serverClosed(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `targetPort` for a connection dropped while the environment was frozen (RDS
 * Proxy idle timeout, failover, NAT timeout). Without it, Node notices the server's close between two
 * invocations and the client reconnects by itself, which a frozen Lambda environment cannot do.
 */
export async function startFreezingProxy(targetPort: number): Promise<FreezingProxy> {
  const sockets = new Set<net.Socket>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const frozen = new Set<() => void>();
  let connections = 0;
  let closedByServer = 0;
  let hanging = false;
  let stalled = false;

  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };

  const server = net.createServer((client) => {
    connections += 1;
    track(client);
    if (hanging) return; // accept, read nothing, answer nothing
    const upstream = net.connect(targetPort, '127.0.0.1');
    track(upstream);
    let isFrozen = false;
    let dropped = false;
    let held: Buffer[] = [];
    const freeze = () => {
      isFrozen = true;
    };
    frozen.add(freeze);
    client.on('data', (chunk) => {
      if (stalled) return;
      if (dropped) {
        client.resetAndDestroy();
        return;
      }
      isFrozen = false;
      for (const chunkHeld of held) client.write(chunkHeld);
      held = [];
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (isFrozen) held.push(chunk);
      else client.write(chunk);
    });
    client.on('close', () => {
      frozen.delete(freeze);
      upstream.destroy();
    });
    upstream.on('close', () => {
      dropped = true;
      closedByServer += 1;
      for (const waiter of waiters.filter(({ count }) => closedByServer >= count)) waiter.resolve();
      if (!isFrozen) client.resetAndDestroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    get connections() {
      return connections;
    },
    freeze() {
      for (const freeze of frozen) freeze();
    },
    hang() {
      hanging = true;
    },
    stall() {
      hanging = true;
      stalled = true;
      for (const freeze of frozen) freeze();
    },
    serverClosed: (count) =>
      closedByServer >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
