import type pg from 'pg';
import { postgresSettings } from '../connection-settings';
import type { DependencyCheck } from './dependency-checks';
import { postgresCheck } from './postgres-probe';
import { secretCheck, targetOf } from './probes';

type Env = Record<string, string | undefined>;

/** `host:port/database` of the functions' Postgres, from `DATABASE_URL` or the stack's settings. */
export function postgresTarget(env: Env = process.env): string {
  return targetOf(() => {
    if (env.DATABASE_URL) {
      const url = new URL(env.DATABASE_URL);
      return `${url.hostname}:${url.port || 5432}${url.pathname}`;
    }
    if (!env.DATABASE_HOST) throw new Error('DATABASE_HOST is not set');
    return `${env.DATABASE_HOST}:${env.DATABASE_PORT ?? 5432}/${env.DATABASE_NAME}`;
  });
}

/**
 * The monitoring role's password secret (in AWS) and one query as that role: `sql` proves the grant the
 * function needs, `describe` says what it answered.
 */
export function monitoringDatabaseChecks(
  sql: string,
  describe: (rows: Record<string, unknown>[]) => string,
  env: Env = process.env,
): DependencyCheck[] {
  return [
    ...(env.DATABASE_PASSWORD_SECRET_ARN ? [secretCheck(env.DATABASE_PASSWORD_SECRET_ARN)] : []),
    postgresCheck({
      target: postgresTarget(env),
      settings: async (): Promise<pg.ClientConfig> => postgresSettings(env),
      sql,
      describe,
    }),
  ];
}
