import { type Check, type CheckResult, failed, ok } from './check';
import { describeError } from './describe-error';

export interface EndpointOptions {
  /** The server's base URL: the local server, or the stack's `ApiUrl`. */
  baseUrl: string;
  /** What to do when nothing answers there. */
  notAnswering: string;
  /** What to do when `/health` reports a component unhealthy, by component (`database`, `redis`). */
  componentFixes: Record<string, string>;
}

const MAX_BODY_CHARACTERS = 64 * 1024;

interface HealthBody {
  status?: unknown;
  components?: Record<string, { status?: unknown; response_time_ms?: unknown; error?: unknown }>;
}

/** `GET /health` answers 200 `healthy`; an unhealthy answer names each failing component and its fix. */
export function healthEndpointCheck(options: EndpointOptions): Check {
  return {
    name: '/health',
    fix: options.notAnswering,
    run: async (signal) => {
      const answer = await get(options, '/health', signal);
      if ('result' in answer) return answer.result;
      const body = answer.json as HealthBody | undefined;
      if (!body?.components || typeof body.status !== 'string') {
        return failed(
          `HTTP ${answer.status} from ${host(options)}, not a health answer`,
          `is another program listening there? ${options.notAnswering}`,
        );
      }
      const components = Object.entries(body.components);
      const summary = components
        .map(([name, component]) =>
          component.status === 'healthy'
            ? `${name} ${Math.round(Number(component.response_time_ms))} ms`
            : `${name} ${String(component.error ?? component.status)}`,
        )
        .join(', ');
      // /health reuses a result for HEALTH_CACHE_SECONDS and says how old it is.
      const age = answer.ageSeconds > 0 ? ` (checked ${answer.ageSeconds} s ago)` : '';
      if (answer.status === 200 && body.status === 'healthy') return ok(`healthy: ${summary}${age}`);
      const fixes = components
        .filter(([, component]) => component.status !== 'healthy')
        .map(([name]) => options.componentFixes[name] ?? `check ${name}`);
      return failed(`HTTP ${answer.status} ${body.status}: ${summary}${age}`, fixes.join('; '));
    },
  };
}

/** `GET /live` answers 200 without touching any dependency: the server itself runs. */
export function liveEndpointCheck(options: EndpointOptions): Check {
  return {
    name: '/live',
    fix: options.notAnswering,
    run: async (signal) => {
      const answer = await get(options, '/live', signal);
      if ('result' in answer) return answer.result;
      const body = answer.json as
        | { status?: unknown; release?: unknown; uptime_seconds?: unknown }
        | undefined;
      if (answer.status !== 200 || body?.status !== 'alive') {
        return failed(
          `HTTP ${answer.status} from ${host(options)}, not a liveness answer`,
          `is another program listening there? ${options.notAnswering}`,
        );
      }
      return ok(
        `alive at ${host(options)}: release ${String(body.release)}, up ${String(body.uptime_seconds)} s`,
      );
    },
  };
}

type Answer = { status: number; json: unknown; ageSeconds: number } | { result: CheckResult };

async function get(options: EndpointOptions, path: string, signal: AbortSignal): Promise<Answer> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { accept: 'application/json' }, redirect: 'manual' });
  } catch (error) {
    if (signal.aborted) throw error;
    return {
      result: failed(`nothing answers at ${host(options)} (${describeError(error)})`, options.notAnswering),
    };
  }
  const text = (await response.text()).slice(0, MAX_BODY_CHARACTERS);
  const ageSeconds = Number(response.headers.get('age') ?? 0) || 0;
  try {
    return { status: response.status, json: JSON.parse(text), ageSeconds };
  } catch {
    return { status: response.status, json: undefined, ageSeconds };
  }
}

function host(options: EndpointOptions): string {
  try {
    return new URL(options.baseUrl).host;
  } catch {
    return 'the given URL';
  }
}
