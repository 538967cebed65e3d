import type { ComponentResult, HealthReport } from './health-check';
import type { Component } from './probe';

export const HEALTH_JSON = 'application/health+json';

/** The quick start's body: `{"status":"healthy","timestamp":...,"components":{"database":{...},"redis":{...}}}`. */
export function quickStartBody(report: HealthReport) {
  const components: Record<string, { status: string; response_time_ms: number; error?: string }> = {};
  for (const result of report.components) {
    components[result.component] = {
      status: result.healthy ? 'healthy' : 'unhealthy',
      response_time_ms: result.responseTimeMs,
      ...(result.error && { error: result.error }),
    };
  }
  return { status: report.healthy ? 'healthy' : 'unhealthy', timestamp: report.timestamp, components };
}

type IetfStatus = 'pass' | 'warn' | 'fail';

const IETF_CHECK_NAMES: Record<Component, string> = {
  database: 'postgres:responseTime',
  redis: 'redis:responseTime',
};

/** A healthy component that used more than this share of its timeout is reported as `warn`. */
export const WARN_SHARE_OF_TIMEOUT = 0.5;

/**
 * The IETF health check response format (draft-inadarei-api-health-check): `pass`, `warn` (every component
 * answered, one of them slowly) or `fail`.
 */
export function ietfBody(report: HealthReport, release: string) {
  const checks: Record<string, object[]> = {};
  for (const result of report.components) {
    checks[IETF_CHECK_NAMES[result.component]] = [
      {
        componentType: 'datastore',
        observedValue: result.responseTimeMs,
        observedUnit: 'ms',
        status: ietfStatus(result),
        time: report.timestamp,
        ...(result.error && { output: result.error }),
      },
    ];
  }
  const statuses = report.components.map(ietfStatus);
  const status: IetfStatus = statuses.includes('fail') ? 'fail' : statuses.includes('warn') ? 'warn' : 'pass';
  return { status, releaseId: release, serviceId: 'signupflow', description: 'SignUpFlow health', checks };
}

function ietfStatus(result: ComponentResult): IetfStatus {
  if (!result.healthy) return 'fail';
  return result.responseTimeMs > result.timeoutMs * WARN_SHARE_OF_TIMEOUT ? 'warn' : 'pass';
}

/** `/live`: the process answers; no dependency is touched. */
export function liveBody(release: string, uptimeSeconds: number, timestamp: string) {
  return { status: 'alive', release, uptime_seconds: uptimeSeconds, timestamp };
}

export function ietfLiveBody(release: string, uptimeSeconds: number, timestamp: string) {
  return {
    status: 'pass',
    releaseId: release,
    serviceId: 'signupflow',
    description: 'SignUpFlow liveness',
    checks: {
      uptime: [
        {
          componentType: 'system',
          observedValue: uptimeSeconds,
          observedUnit: 's',
          status: 'pass',
          time: timestamp,
        },
      ],
    },
  };
}

/**
 * Whether the `Accept` header asks for the IETF form: `application/health+json` listed with a non-zero
 * quality, e.g. `application/health+json`, `application/health+json;q=0.9, application/json;q=0.5`.
 */
export function wantsHealthJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim().toLowerCase());
    if (type !== HEALTH_JSON) return false;
    const quality = parameters.find((parameter) => parameter.startsWith('q='));
    return quality === undefined || Number(quality.slice(2)) > 0;
  });
}
