import { snapshotKey } from '../shared/metrics-snapshot';

type Env = Record<string, string | undefined>;

/** Where the scrape token comes from; `open` only outside Lambda, when METRICS_TOKEN is unset. */
export type TokenSource =
  | { kind: 'secret'; secretArn: string }
  | { kind: 'environment'; token: string }
  | { kind: 'open' };

export interface ExporterSettings {
  snapshotKey: string;
  /** The hard bound of one snapshot read, connect included (METRICS_REDIS_TIMEOUT_MS). */
  redisTimeoutMs: number;
  token: TokenSource;
}

export const DEFAULT_REDIS_TIMEOUT_MS = 1_000;

/**
 * The exporter's settings. In AWS the token is the secret METRICS_TOKEN_SECRET_ARN names; locally it is
 * METRICS_TOKEN, and without it /metrics is open. A Lambda without a token is a deployment mistake and fails
 * loudly rather than serving the metrics to anyone.
 */
export function tokenSource(env: Env = process.env): TokenSource {
  if (env.METRICS_TOKEN_SECRET_ARN) return { kind: 'secret', secretArn: env.METRICS_TOKEN_SECRET_ARN };
  if (env.METRICS_TOKEN) return { kind: 'environment', token: env.METRICS_TOKEN };
  if (env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new Error('METRICS_TOKEN_SECRET_ARN is not set: /metrics is never open in AWS');
  }
  return { kind: 'open' };
}

export function exporterSettings(env: Env = process.env): ExporterSettings {
  const service = env.POWERTOOLS_SERVICE_NAME;
  const stage = env.STAGE;
  if (!service || !stage)
    throw new Error('POWERTOOLS_SERVICE_NAME and STAGE name the snapshot: both must be set');
  const timeout = Number(env.METRICS_REDIS_TIMEOUT_MS ?? DEFAULT_REDIS_TIMEOUT_MS);
  if (!Number.isFinite(timeout) || timeout <= 0) {
    throw new Error('METRICS_REDIS_TIMEOUT_MS must be a positive number of milliseconds');
  }
  return { snapshotKey: snapshotKey(service, stage), redisTimeoutMs: timeout, token: tokenSource(env) };
}
