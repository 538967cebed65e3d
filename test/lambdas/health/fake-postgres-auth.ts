import net from 'node:net';

/**
 * Just enough of the Postgres wire protocol to refuse a password: the startup message is answered with
 * AuthenticationCleartextPassword, the password message with an ErrorResponse of SQLSTATE 28P01, as a real
 * server with `password` auth in pg_hba.conf does. Needed because the test Postgres trusts 127.0.0.1, so it
 * accepts any password there.
 */
export interface FakePostgresAuthServer {
  port: number;
  /** The passwords clients sent: proof that the probe really tried to authenticate. */
  passwords: string[];
  close(): Promise<void>;
}

export async function startFakePostgresAuthServer(): Promise<FakePostgresAuthServer> {
  const passwords: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!started) {
        if (buffer.length < 4 || buffer.length < buffer.readInt32BE(0)) return;
        buffer = buffer.subarray(buffer.readInt32BE(0));
        started = true;
        socket.write(message('R', int32(3))); // AuthenticationCleartextPassword
      }
      if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
      if (buffer[0] === 'p'.charCodeAt(0)) {
        passwords.push(buffer.subarray(5, buffer.readInt32BE(1)).toString('utf8').replace(/\0$/, ''));
      }
      const user = 'health_user';
      socket.end(
        message(
          'E',
          Buffer.concat([
            field('S', 'FATAL'),
            field('V', 'FATAL'),
            field('C', '28P01'),
            field('M', `password authentication failed for user "${user}"`),
            Buffer.from([0]),
          ]),
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    passwords,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function int32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
}

function message(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(type), int32(payload.length + 4), payload]);
}

function field(code: string, value: string): Buffer {
  return Buffer.from(`${code}${value}\0`);
}
