import path from 'node:path';
import pg from 'pg';
import { verifiedTls } from '../shared/connection-settings';
import { getJsonSecret } from '../shared/secrets';
import { migrate, withMigrationLock } from './migration-runner';
import { migrationsChecksum } from './migrations-checksum';
import { ensureMonitoringRole } from './monitoring-role';

type Env = Record<string, string | undefined>;

export interface SchemaMigrationSummary {
  database: string;
  /** Migrations this run applied, in order; empty when the schema was current. */
  applied: string[];
  role: string;
  roleCreated: boolean;
}

/** A statement that waits this long for a lock held by the running application fails the deploy instead. */
const LOCK_TIMEOUT = '60s';
/**
 * The server ends a statement, or a transaction left idle, itself before the function's 5-minute timeout: a
 * session Lambda abandoned would otherwise keep the migration lock and its table locks until TCP notices.
 */
const STATEMENT_TIMEOUT = '270s';
const IDLE_IN_TRANSACTION_TIMEOUT = '60s';
/**
 * Where the migrations are: copied beside the bundle in Lambda (`ObservedFunction.bundledFolders`), or
 * `SCHEMA_MIGRATIONS_DIR` (a checkout's `migrations/`, for a run outside Lambda).
 */
export function migrationsDirectory(env: Env): string {
  return env.SCHEMA_MIGRATIONS_DIR ?? path.join(env.LAMBDA_TASK_ROOT ?? '.', 'migrations');
}

/**
 * What a custom resource request names that this function was not deployed with, if anything: the release
 * (`GIT_COMMIT_SHA`) or the migrations' checksum. A rollback asks for the release before, while this release's
 * function and migrations are still in place.
 */
export function requestedRelease(
  requested: { Release?: string; MigrationsChecksum?: string },
  env: Env,
  directory: string,
): { requested: Record<string, string | undefined>; deployed: Record<string, string> } | undefined {
  const deployed = {
    release: env.GIT_COMMIT_SHA ?? 'unversioned',
    migrationsChecksum: migrationsChecksum(directory),
  };
  const release = requested.Release ?? deployed.release;
  const checksum = requested.MigrationsChecksum ?? deployed.migrationsChecksum;
  if (release === deployed.release && checksum === deployed.migrationsChecksum) return undefined;
  return {
    requested: { release: requested.Release, migrationsChecksum: requested.MigrationsChecksum },
    deployed,
  };
}

/**
 * The deploy's schema step: logs in with the admin secret, applies the pending migrations, then makes the
 * monitoring role exist with the functions' password and exactly its grants, all under the migration lock.
 */
export async function migrateSchema(
  env: Env,
  directory = migrationsDirectory(env),
): Promise<SchemaMigrationSummary> {
  const role = required(env, 'DATABASE_USER');
  const [admin, monitoring] = await Promise.all([
    secretLogin(required(env, 'DATABASE_ADMIN_SECRET_ARN'), 'the admin secret'),
    secretLogin(required(env, 'DATABASE_PASSWORD_SECRET_ARN'), "the monitoring role's secret"),
  ]);
  const client = new pg.Client({
    ...adminClientConfig(env, admin),
    connectionTimeoutMillis: 10_000,
    options: `-c lock_timeout=${LOCK_TIMEOUT} -c statement_timeout=${STATEMENT_TIMEOUT} -c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_TIMEOUT}`,
  });
  // A connection the server ends mid-migration must fail the run, never crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await withMigrationLock(client, async () => {
      const applied = await migrate(client, directory);
      const { created } = await ensureMonitoringRole(client, { name: role, password: monitoring.password });
      return { database: client.database ?? '', applied, role, roleCreated: created };
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The admin login on the endpoint the functions use, over verified TLS (`DATABASE_SSL=disable` only for
 * local tests).
 */
export function adminClientConfig(env: Env, admin: SecretLogin): pg.ClientConfig {
  if (!admin.username) throw new Error('The admin secret has no "username" key');
  return {
    host: required(env, 'DATABASE_HOST'),
    port: Number(env.DATABASE_PORT ?? 5432),
    database: required(env, 'DATABASE_NAME'),
    user: admin.username,
    password: admin.password,
    ssl: env.DATABASE_SSL === 'disable' ? false : verifiedTls(env.DATABASE_TLS_SERVER_NAME),
  };
}

export interface SecretLogin {
  username?: string;
  password: string;
}

/** A secret's `username` and `password`, read past the cache: a deploy follows a rotation at once. */
export async function secretLogin(secretArn: string, what: string): Promise<SecretLogin> {
  const { username, password } = await getJsonSecret<{ username?: unknown; password?: unknown }>(secretArn, {
    forceFetch: true,
  });
  if (typeof password !== 'string' || password === '') throw new Error(`${what} has no "password" key`);
  return { password, ...(typeof username === 'string' && username !== '' && { username }) };
}

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
