import net from 'node:net';

export interface ErrorRedis {
  port: number;
  /** Commands received so far. */
  readonly commands: number;
  close(): Promise<void>;
}

/**
 * A Redis on 127.0.0.1 that answers every command with an error reply, as a real one does when it is out of
 * memory, loading its dataset, or at its client limit: `-ERR max number of clients reached`.
 */
export async function startErrorRedis(error = 'ERR max number of clients reached'): Promise<ErrorRedis> {
  const sockets = new Set<net.Socket>();
  let commands = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      // Each RESP command starts with `*<arguments>`: one error reply per command in the chunk
      const count = chunk
        .toString('latin1')
        .split('\r\n')
        .filter((line) => line.startsWith('*')).length;
      commands += count;
      socket.write(`-${error}\r\n`.repeat(count));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    get commands() {
      return commands;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
