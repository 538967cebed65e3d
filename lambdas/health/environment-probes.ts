import { postgresSettings, redisConnectionSettings } from '../shared/connection-settings';
import { PostgresProbe } from './postgres-probe';
import type { Probe } from './probe';
import { RedisProbe } from './redis-probe';
import { healthSettings } from './settings';

/**
 * The probes of this Lambda environment, created at cold start and reused by warm invocations: their
 * connections outlive the invocation. Credentials are read at the first connection (Secrets Manager in AWS,
 * cached; DATABASE_URL and REDIS_URL locally).
 */
const settings = healthSettings();
const postgres = new PostgresProbe(() => postgresSettings(), settings.databaseTimeoutMs);
const redis = new RedisProbe(() => redisConnectionSettings(), settings.redisTimeoutMs);

export const environmentProbes: readonly Probe[] = [postgres, redis];

/** Closes the probes' connections: for the local server's shutdown and for tests. */
export function closeEnvironmentProbes(): void {
  postgres.close();
  redis.close();
}
