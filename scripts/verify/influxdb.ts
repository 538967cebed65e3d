import { type Check, type CheckResult, failed, ok } from './check';
import { describeError } from './describe-error';

export interface InfluxDbOptions {
  url: string | undefined;
  /** The token the export writes with: from `INFLUXDB_TOKEN`, or read from the stage's secret. */
  token: (signal: AbortSignal) => Promise<string | undefined>;
  /** What the line says without a URL (InfluxDB is optional). */
  notConfigured: CheckResult;
  whereTheUrlIsSet: string;
  whereTheTokenIsSet: string;
}

/**
 * InfluxDB answers its `/health` (`"status": "pass"`), or `/ping` where `/health` is missing, and there is a
 * token for the export to write with. Prints only the host.
 */
export function influxDbCheck(options: InfluxDbOptions): Check {
  const fix = `start InfluxDB or correct ${options.whereTheUrlIsSet}`;
  return {
    name: 'InfluxDB',
    fix,
    run: async (signal) => {
      if (!options.url) return options.notConfigured;
      let base: URL;
      try {
        base = new URL(options.url);
      } catch {
        return failed(`${options.whereTheUrlIsSet} is not a URL`, fix);
      }
      let answer: { status: number; body: string };
      try {
        answer = await get(base, '/health', signal);
        if (answer.status === 404) answer = await get(base, '/ping', signal);
      } catch (error) {
        if (signal.aborted) throw error;
        return failed(`${base.host}: ${describeError(error)}`, fix);
      }
      const healthy =
        answer.status === 204 || (answer.status === 200 && /"status"\s*:\s*"pass"/.test(answer.body));
      if (!healthy) return failed(`${base.host} answered HTTP ${answer.status}, not healthy`, fix);
      let token: string | undefined;
      try {
        token = await options.token(signal);
      } catch (error) {
        if (signal.aborted) throw error;
        return failed(
          `${base.host} answers, but its token could not be read: ${describeError(error)}`,
          `verify needs to read ${options.whereTheTokenIsSet} (GetSecretValue, and kms:Decrypt on its key)`,
        );
      }
      if (!token) {
        return failed(
          `${base.host} answers, but there is no token to write with`,
          `put an InfluxDB API token with write access to the bucket in ${options.whereTheTokenIsSet}`,
        );
      }
      return ok(`${base.host} answers (HTTP ${answer.status})`);
    },
  };
}

async function get(base: URL, path: string, signal: AbortSignal) {
  // Keeps a path prefix (InfluxDB behind a proxy at /influx): `/influx/health`.
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base);
  const response = await fetch(url, { signal, redirect: 'manual' });
  return { status: response.status, body: (await response.text()).slice(0, 4_096) };
}
