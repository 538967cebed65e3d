import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closedPort } from './hung-server';

export interface PrivateRedisOptions {
  /** Serve TLS only, with this certificate (test/support/tls-certificates.ts). */
  tls?: { certFile: string; keyFile: string };
  /** ACL users that must AUTH; with any, the default user is off (as ElastiCache RBAC has it). */
  users?: { name: string; password: string }[];
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops the server (SIGTERM) and waits until it has exited: connections to its port are refused. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/**
 * A `redis-server` of this test's own on a free port of 127.0.0.1, never the machine's Redis on 6379: a test may
 * stop it to see how a stopped Redis is reported.
 */
export async function startPrivateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await closedPort();
  const listen = options.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        options.tls.certFile,
        '--tls-key-file',
        options.tls.keyFile,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  // An ACL user per entry (`--user NAME on >PASSWORD ~* +@all`); the default user is then switched off.
  const users = (options.users ?? []).flatMap(({ name, password }) => [
    '--user',
    name,
    'on',
    `>${password}`,
    '~*',
    '+@all',
  ]);
  const acl = users.length > 0 ? [...users, '--user', 'default', 'off'] : [];
  let child: ChildProcess | undefined;
  const start = async () => {
    if (child) return;
    const started = spawn(
      'redis-server',
      [...listen, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...acl],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child = started;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      started.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
      started.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      });
    });
    started.stdout?.resume();
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop: async () => {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGTERM');
      await exited;
    },
  };
}
