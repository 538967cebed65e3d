import { redisConnectionSettings } from '../../shared/connection-settings';
import type { Database } from '../../shared/database';
import { getSecretString } from '../../shared/secrets';
import type { Observation } from '../evaluate-rule';
import { type FluxSource, InfluxFluxSource } from '../flux-source';
import { ExportStateStore } from './export-state-store';
import { InfluxPointWriter } from './influx-writer';
import type { ExportDependencies } from './run-export';
import { RedisSnapshotWriter } from './snapshot-writer';

type Env = Record<string, string | undefined>;

/** Each export target, and each Flux query, gets at most this long per run. */
export const EXPORT_TIMEOUT_MS = 3_000;

/**
 * The metrics export of a run, when Redis is configured (`REDIS_HOST` in AWS, `REDIS_URL` locally): the
 * /metrics snapshot, and InfluxDB when `INFLUXDB_URL` is set, with the export's write token from Secrets
 * Manager (`INFLUXDB_TOKEN_SECRET_ARN`) in AWS or `INFLUXDB_TOKEN` locally. The token is read when the first
 * write needs it: a Secrets Manager that fails costs the InfluxDB write, not the run.
 */
export function exportDependencies(
  db: Database,
  env: Env = process.env,
): (Omit<ExportDependencies, 'report'> & { store: ExportStateStore }) | undefined {
  if (!env.REDIS_HOST && !env.REDIS_URL) return undefined;
  return {
    store: new ExportStateStore(db),
    snapshots: new RedisSnapshotWriter(() => redisConnectionSettings(env), EXPORT_TIMEOUT_MS),
    influx: env.INFLUXDB_URL
      ? new InfluxPointWriter({
          url: env.INFLUXDB_URL,
          token: tokenFrom(env.INFLUXDB_TOKEN_SECRET_ARN, env.INFLUXDB_TOKEN),
          org: env.INFLUXDB_ORG ?? 'signupflow',
          bucket: env.INFLUXDB_BUCKET ?? 'monitoring',
          timeoutMs: EXPORT_TIMEOUT_MS,
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

/** A token read from Secrets Manager (cached) in AWS, or given as is locally. */
function tokenFrom(secretArn: string | undefined, local: string | undefined): () => Promise<string> {
  if (secretArn) return () => getSecretString(secretArn);
  return async () => local ?? '';
}

/**
 * Flux rules' InfluxDB, when `INFLUXDB_URL` is set, with a read-only token of their own: the secret
 * `INFLUXDB_READ_TOKEN_SECRET_ARN` in AWS (the stage's `influxdb.readTokenSecretArn`), `INFLUXDB_READ_TOKEN`
 * locally. Never the export's write token: whoever can write a rule could otherwise write to the bucket or
 * delete from it. Without a read token, Flux rules are in ERROR saying so.
 */
export function fluxSource(env: Env = process.env): FluxSource | undefined {
  if (!env.INFLUXDB_URL) return undefined;
  if (!env.INFLUXDB_READ_TOKEN_SECRET_ARN && !env.INFLUXDB_READ_TOKEN) {
    return unavailable(
      'Flux rules need a read-only InfluxDB token: set influxdb.readTokenSecretArn in the stage (INFLUXDB_READ_TOKEN locally)',
    );
  }
  return new InfluxFluxSource({
    url: env.INFLUXDB_URL,
    token: tokenFrom(env.INFLUXDB_READ_TOKEN_SECRET_ARN, env.INFLUXDB_READ_TOKEN),
    org: env.INFLUXDB_ORG ?? 'signupflow',
    timeoutMs: EXPORT_TIMEOUT_MS,
  });
}

function unavailable(error: string): FluxSource {
  const observation: Observation = { ok: false, error };
  return { observe: async () => observation };
}
