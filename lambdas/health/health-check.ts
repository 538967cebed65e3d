import { categorizeError, type ErrorCategory } from './error-category';
import { type Component, type Probe, ProbeTimeoutError } from './probe';

export interface ComponentResult {
  component: Component;
  healthy: boolean;
  responseTimeMs: number;
  /** The component's own hard bound, for the IETF form's warn threshold. */
  timeoutMs: number;
  error?: ErrorCategory;
  /** For the log only: the driver's error code or class (`ECONNREFUSED`, `28P01`), never its message. */
  errorCode?: string;
}

export interface HealthReport {
  healthy: boolean;
  timestamp: string;
  components: ComponentResult[];
}

/** Runs every probe concurrently, each under its own hard timer; never rejects. */
export async function checkHealth(
  probes: readonly Probe[],
  now: () => Date = () => new Date(),
): Promise<HealthReport> {
  const timestamp = now().toISOString();
  const components = await Promise.all(probes.map((probe) => runProbe(probe)));
  return { healthy: components.every((result) => result.healthy), timestamp, components };
}

async function runProbe(probe: Probe): Promise<ComponentResult> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ProbeTimeoutError(`${probe.component} did not answer within ${probe.timeoutMs} ms`)),
      probe.timeoutMs,
    );
  });
  const check = probe.check();
  check.catch(() => undefined); // a check that loses the race may still reject later
  try {
    await Promise.race([check, deadline]);
    return {
      component: probe.component,
      healthy: true,
      responseTimeMs: elapsed(startedAt),
      timeoutMs: probe.timeoutMs,
    };
  } catch (error) {
    // Timed out or failed: the connection may be dead or half-open, so the next check starts afresh.
    probe.reset(error);
    return {
      component: probe.component,
      healthy: false,
      responseTimeMs: elapsed(startedAt),
      timeoutMs: probe.timeoutMs,
      error: categorizeError(error),
      errorCode: errorCode(error),
    };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

function errorCode(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
  return typeof name === 'string' ? name.slice(0, 40) : 'unknown';
}
