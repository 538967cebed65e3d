import type { PoolConfig } from 'pg';
import { getJsonSecret } from './secrets';

type Env = Record<string, string | undefined>;

/**
 * Postgres settings: `DATABASE_URL` for local runs; in AWS, host, port, name and user from the environment
 * and the password from the Secrets Manager secret `DATABASE_PASSWORD_SECRET_ARN` (key `password`).
 */
export async function postgresSettings(env: Env = process.env): Promise<PoolConfig> {
  if (env.DATABASE_URL) return { connectionString: env.DATABASE_URL };
  const host = required(env, 'DATABASE_HOST');
  const secretArn = required(env, 'DATABASE_PASSWORD_SECRET_ARN');
  const { password } = await getJsonSecret<{ password?: string }>(secretArn);
  if (typeof password !== 'string') throw new Error('The database secret has no "password" key');
  return {
    host,
    port: Number(env.DATABASE_PORT ?? 5432),
    database: required(env, 'DATABASE_NAME'),
    user: required(env, 'DATABASE_USER'),
    password,
    // RDS certificates verify against Amazon's CA bundle, which NODE_EXTRA_CA_CERTS points at.
    ssl: env.DATABASE_SSL === 'disable' ? false : { rejectUnauthorized: true },
  };
}

export interface RedisSettings {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

/** Redis settings: `REDIS_URL` for local runs; `REDIS_HOST`, `REDIS_PORT` and `REDIS_TLS` in AWS. */
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
  };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set (locally, set DATABASE_URL and REDIS_URL instead)`);
  return value;
}
