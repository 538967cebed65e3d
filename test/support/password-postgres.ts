import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/**
 * A private Postgres cluster that really checks passwords (scram-sha-256 on 127.0.0.1), for tests of password
 * rotation: the shared test server trusts 127.0.0.1 and accepts any password. Started from the machine's own
 * Postgres binaries in a temporary directory (about 1 s), as the `postgres` user when the tests run as root.
 */
export interface PasswordPostgres {
  port: number;
  /** Runs SQL as the cluster's superuser, for example `ALTER ROLE ... PASSWORD`. */
  admin(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  stop(): Promise<void>;
}

const SUPERUSER_PASSWORD = 'superuser-only-in-this-test-cluster';

export interface PasswordPostgresOptions {
  /** Also serve TLS with this certificate and key (test/support/tls-certificates.ts). */
  tls?: { certFile: string; keyFile: string };
}

export async function startPasswordPostgres(
  options: PasswordPostgresOptions = {},
): Promise<PasswordPostgres> {
  const bin = postgresBinDirectory();
  const directory = await mkdtemp(path.join(tmpdir(), 'signupflow-scram-'));
  const asPostgres = process.getuid?.() === 0;
  const command = (name: string, args: string[]) =>
    asPostgres
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, name), ...args])
      : run(path.join(bin, name), args);
  const passwordFile = path.join(directory, 'superuser-password');
  await writeFile(passwordFile, SUPERUSER_PASSWORD, { mode: 0o600 });
  if (asPostgres) {
    const { uid, gid } = await postgresUser();
    await chown(directory, uid, gid);
    await chown(passwordFile, uid, gid);
  }
  const dataDirectory = path.join(directory, 'data');
  const port = await freePort();
  await command('initdb', [
    '--pgdata',
    dataDirectory,
    '--username',
    'postgres',
    '--auth',
    'scram-sha-256',
    '--pwfile',
    passwordFile,
    '--no-sync',
  ]);
  const tls = options.tls ? await serverTlsFiles(directory, options.tls, asPostgres) : undefined;
  const tlsOptions = tls ? ` -c ssl=on -c ssl_cert_file=${tls.certFile} -c ssl_key_file=${tls.keyFile}` : '';
  const serverOptions = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off${tlsOptions}`;
  // The log file matters: without it the server inherits pg_ctl's output pipes and execFile never returns.
  const log = path.join(directory, 'server.log');
  await command('pg_ctl', [
    '--pgdata',
    dataDirectory,
    '--log',
    log,
    '--options',
    serverOptions,
    '--wait',
    'start',
  ]);

  const admin = async (sql: string, values: unknown[] = []) => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: 'postgres',
      database: 'postgres',
      password: SUPERUSER_PASSWORD,
    });
    await client.connect();
    try {
      return await client.query(sql, values);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    admin,
    stop: async () => {
      await command('pg_ctl', ['--pgdata', dataDirectory, '--mode', 'immediate', '--wait', 'stop']).catch(
        () => undefined,
      );
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** The server's own copies of the certificate and key: Postgres refuses a key others may read. */
async function serverTlsFiles(
  directory: string,
  tls: { certFile: string; keyFile: string },
  asPostgres: boolean,
): Promise<{ certFile: string; keyFile: string }> {
  const certFile = path.join(directory, 'server.crt');
  const keyFile = path.join(directory, 'server.key');
  await copyFile(tls.certFile, certFile);
  await copyFile(tls.keyFile, keyFile);
  await chmod(keyFile, 0o600);
  if (asPostgres) {
    const { uid, gid } = await postgresUser();
    await chown(certFile, uid, gid);
    await chown(keyFile, uid, gid);
  }
  return { certFile, keyFile };
}

/** The newest `/usr/lib/postgresql/<version>/bin` (Debian's layout), or `POSTGRES_BIN` when set. */
function postgresBinDirectory(): string {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const newest = versions.find((version) => existsSync(path.join(root, version, 'bin', 'initdb')));
  if (!newest) throw new Error('No Postgres server binaries found: set POSTGRES_BIN to their directory');
  return path.join(root, newest, 'bin');
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
