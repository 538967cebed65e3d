import { redisConnectionSettings } from '../../shared/connection-settings';
import type { Database } from '../../shared/database';
import { getSecretString } from '../../shared/secrets';
import { type FluxSource, InfluxFluxSource } from '../flux-source';
import { ExportStateStore } from './export-state-store';
import { InfluxPointWriter } from './influx-writer';
import type { ExportDependencies } from './run-export';
import { RedisSnapshotWriter } from './snapshot-writer';

type Env = Record<string, string | undefined>;

/** Each export target, and each Flux query, gets at most this long per run. */
const EXPORT_TIMEOUT_MS = 3_000;

/**
 * The metrics export of a run, when Redis is configured (`REDIS_HOST` in AWS, `REDIS_URL` locally): the
 * /metrics snapshot, and InfluxDB when `INFLUXDB_URL` is set, with its token from Secrets Manager
 * (`INFLUXDB_TOKEN_SECRET_ARN`) in AWS or `INFLUXDB_TOKEN` locally.
 */
export async function exportDependencies(
  db: Database,
  env: Env = process.env,
): Promise<(Omit<ExportDependencies, 'report'> & { store: ExportStateStore }) | undefined> {
  if (!env.REDIS_HOST && !env.REDIS_URL) return undefined;
  return {
    store: new ExportStateStore(db),
    snapshots: new RedisSnapshotWriter(() => redisConnectionSettings(env), EXPORT_TIMEOUT_MS),
    influx: env.INFLUXDB_URL
      ? new InfluxPointWriter({
          ...(await influxConnection(env.INFLUXDB_URL, env)),
          bucket: env.INFLUXDB_BUCKET ?? 'monitoring',
        })
      : undefined,
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
    stage: env.STAGE ?? 'local',
    everyMinutes: exportEveryMinutes(env.METRICS_EXPORT_EVERY_MINUTES),
    evaluationIntervalSeconds: Number(env.ALERT_EVALUATION_INTERVAL) || 60,
  };
}

/** METRICS_EXPORT_EVERY_MINUTES: whole minutes from 1 to 15, 5 when unset or unreadable. */
export const DEFAULT_EXPORT_EVERY_MINUTES = 5;
export const MAX_EXPORT_EVERY_MINUTES = 15;

export function exportEveryMinutes(raw: string | undefined): number {
  const minutes = Math.trunc(Number(raw ?? DEFAULT_EXPORT_EVERY_MINUTES));
  if (!Number.isFinite(minutes) || minutes < 1) return DEFAULT_EXPORT_EVERY_MINUTES;
  return Math.min(MAX_EXPORT_EVERY_MINUTES, minutes);
}

async function influxConnection(url: string, env: Env) {
  return {
    url,
    token: env.INFLUXDB_TOKEN_SECRET_ARN
      ? await getSecretString(env.INFLUXDB_TOKEN_SECRET_ARN)
      : (env.INFLUXDB_TOKEN ?? ''),
    org: env.INFLUXDB_ORG ?? 'signupflow',
    timeoutMs: EXPORT_TIMEOUT_MS,
  };
}

/** Flux rules' InfluxDB, when `INFLUXDB_URL` is set; without it such rules are in ERROR. */
export async function fluxSource(env: Env = process.env): Promise<FluxSource | undefined> {
  if (!env.INFLUXDB_URL) return undefined;
  return new InfluxFluxSource(await influxConnection(env.INFLUXDB_URL, env));
}
