import { PostgresProbe } from '../../lambdas/health/postgres-probe';
import type { Probe } from '../../lambdas/health/probe';
import { RedisProbe } from '../../lambdas/health/redis-probe';
import { redisSettings } from '../../lambdas/shared/connection-settings';
import { type Check, failed, ok } from './check';
import { describeError } from './describe-error';

type Env = Record<string, string | undefined>;

/**
 * Postgres and Redis asked directly with the health check's own probes (`SELECT 1`, `PING`), so that a stopped
 * Redis is named "Redis" even when no local server runs. Only host, port and database are printed.
 */
export function postgresCheck(env: Env, timeoutMs: number): Check {
  const url = env.DATABASE_URL ?? '';
  const fix =
    'start Postgres (bash scripts/ensure-services.sh starts it, or installs it on Debian), or point DATABASE_URL at yours';
  return {
    name: 'Postgres',
    fix,
    run: (signal) =>
      probeOnce(new PostgresProbe(async () => ({ connectionString: url }), timeoutMs), signal, {
        target: postgresTarget(url),
        answered: 'answers SELECT 1',
        fix,
      }),
  };
}

export function redisCheck(env: Env, timeoutMs: number): Check {
  const fix =
    'start Redis (bash scripts/ensure-services.sh starts it, or installs it on Debian), or point REDIS_URL at yours';
  let target = 'REDIS_URL';
  try {
    const settings = redisSettings(env);
    target = `${settings.host}:${settings.port}${settings.db ? `/${settings.db}` : ''}`;
  } catch {
    // The probe reports the unusable setting as a configuration error.
  }
  return {
    name: 'Redis',
    fix,
    run: (signal) =>
      probeOnce(new RedisProbe(() => redisSettings(env), timeoutMs), signal, {
        target,
        answered: 'answers PING',
        fix,
      }),
  };
}

async function probeOnce(
  probe: Probe & { close(): void },
  signal: AbortSignal,
  text: { target: string; answered: string; fix: string },
) {
  signal.addEventListener('abort', () => probe.close(), { once: true });
  try {
    await probe.check();
    return ok(`${text.target} ${text.answered}`);
  } catch (error) {
    if (signal.aborted) throw error;
    return failed(`${text.target}: ${describeError(error)}`, text.fix);
  } finally {
    probe.close();
  }
}

/** `host:port/database` of a connection string, without user or password. */
export function postgresTarget(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}
