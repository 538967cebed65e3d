import { checkServerIdentity } from 'node:tls';
import type { PoolConfig } from 'pg';
import { getJsonSecret } from './secrets';

type Env = Record<string, string | undefined>;

/**
 * Postgres settings: `DATABASE_URL` for local runs; in AWS, host, port, name and user from the environment
 * and the password from the Secrets Manager secret `DATABASE_PASSWORD_SECRET_ARN` (key `password`), read now.
 */
export async function postgresSettings(env: Env = process.env): Promise<PoolConfig> {
  const { config, password } = postgresConnection(env);
  return password ? { ...config, password: await password.current() } : config;
}

/**
 * Settings for a long-lived pool, and what to do when the server refuses the password. The pool gets the
 * password as a function, which pg calls for each new connection: a rotated secret reaches new connections
 * within the secret cache's age, or at once after `refreshPassword()`.
 */
export interface PostgresPoolSettings {
  config: PoolConfig;
  /** Reads the secret again, past the cache; absent when the password is not a secret (`DATABASE_URL`). */
  refreshPassword?: () => Promise<void>;
}

export function postgresPoolSettings(env: Env = process.env): PostgresPoolSettings {
  const { config, password } = postgresConnection(env);
  if (!password) return { config };
  return {
    config: { ...config, password: () => password.current() },
    refreshPassword: async () => {
      await password.refreshed();
    },
  };
}

interface SecretPassword {
  /** The password as cached (up to `SECRET_CACHE_SECONDS` old). */
  current(): Promise<string>;
  /** The password read from Secrets Manager now; later `current()` calls return it too. */
  refreshed(): Promise<string>;
}

function postgresConnection(env: Env): { config: PoolConfig; password?: SecretPassword } {
  if (env.DATABASE_URL) return { config: { connectionString: env.DATABASE_URL } };
  const host = required(env, 'DATABASE_HOST');
  const password = secretPassword(required(env, 'DATABASE_PASSWORD_SECRET_ARN'));
  return {
    config: {
      host,
      port: Number(env.DATABASE_PORT ?? 5432),
      database: required(env, 'DATABASE_NAME'),
      user: required(env, 'DATABASE_USER'),
      // RDS certificates verify against Amazon's CA bundle, which NODE_EXTRA_CA_CERTS points at.
      ssl: env.DATABASE_SSL === 'disable' ? false : verifiedTls(env.DATABASE_TLS_SERVER_NAME),
    },
    password,
  };
}

/**
 * TLS that verifies the server's certificate, against `serverName` when the host is an alias (a CNAME to the
 * RDS endpoint, whose certificate names the endpoint). pg sets `servername` to the host it connects to, so
 * the name is checked by `checkServerIdentity`, which Node calls with the certificate either way.
 */
export function verifiedTls(serverName: string | undefined): {
  rejectUnauthorized: true;
  checkServerIdentity?: typeof checkServerIdentity;
} {
  if (!serverName) return { rejectUnauthorized: true };
  return {
    rejectUnauthorized: true,
    checkServerIdentity: (_host, certificate) => checkServerIdentity(serverName, certificate),
  };
}

function secretPassword(secretArn: string): SecretPassword {
  const read = async (forceFetch: boolean) => {
    const { password } = await getJsonSecret<{ password?: string }>(secretArn, { forceFetch });
    if (typeof password !== 'string') throw new Error('The database secret has no "password" key');
    return password;
  };
  return { current: () => read(false), refreshed: () => read(true) };
}

export interface RedisSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
  /** The name on the server's certificate, when `host` is an alias of the ElastiCache endpoint. */
  tlsServerName?: string;
  /** In AWS: the secret with `password` (and `username`) that `redisConnectionSettings` reads. */
  authSecretArn?: string;
}

/**
 * Redis settings: `REDIS_URL` for local runs; `REDIS_HOST`, `REDIS_PORT`, `REDIS_TLS`, `REDIS_TLS_SERVER_NAME`
 * and `REDIS_AUTH_SECRET_ARN` in AWS. The credentials are not read here: `redisConnectionSettings` does.
 */
export function redisSettings(env: Env = process.env): RedisSettings {
  if (env.REDIS_URL) {
    const url = new URL(env.REDIS_URL);
    const db = url.pathname.replace('/', '');
    return {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: db ? Number(db) : undefined,
      tls: url.protocol === 'rediss:',
    };
  }
  return {
    host: required(env, 'REDIS_HOST'),
    port: Number(env.REDIS_PORT ?? 6379),
    tls: env.REDIS_TLS === 'true',
    ...(env.REDIS_TLS_SERVER_NAME && { tlsServerName: env.REDIS_TLS_SERVER_NAME }),
    ...(env.REDIS_AUTH_SECRET_ARN && { authSecretArn: env.REDIS_AUTH_SECRET_ARN }),
  };
}

/**
 * The settings a client connects with: `redisSettings`, and where AWS names an AUTH secret, its `password` and
 * optional `username` (an ElastiCache RBAC or Redis ACL user), read from Secrets Manager (cached).
 */
export async function redisConnectionSettings(env: Env = process.env): Promise<RedisSettings> {
  const settings = redisSettings(env);
  if (!settings.authSecretArn) return settings;
  const { username, password } = await getJsonSecret<{ username?: unknown; password?: unknown }>(
    settings.authSecretArn,
  );
  if (typeof password !== 'string' || password === '')
    throw new Error('The Redis AUTH secret has no "password" key');
  return { ...settings, password, ...(typeof username === 'string' && username !== '' && { username }) };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (locally, set DATABASE_URL and REDIS_URL instead)`);
  return value;
}
