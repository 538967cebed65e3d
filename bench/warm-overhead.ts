import { baseEnv, runChild } from './child';

export interface PathOverhead {
  invocations: number;
  bareMedianMs: number;
  bareP99Ms: number;
  wrappedMedianMs: number;
  wrappedP99Ms: number;
  overheadMedianMs: number;
  overheadP99Ms: number;
}

export interface WarmOverheadResult {
  wrapper: 'withObservability' | 'naive';
  sentryDsn: boolean;
  success: PathOverhead;
  error: PathOverhead;
}

/**
 * Per-invocation time of a wrapped handler minus the bare one, in a fresh process per configuration
 * (handlers read their environment at import), with production settings; the DSN points at a local stand-in.
 */
export async function warmOverhead(
  wrapper: WarmOverheadResult['wrapper'],
  bundleFile: string,
  dsn: string | undefined,
  invocations: number,
): Promise<WarmOverheadResult> {
  const { result } = await runChild<Pick<WarmOverheadResult, 'success' | 'error'>>(
    'warm-child.ts',
    baseEnv({ BENCH_BUNDLE: bundleFile, BENCH_INVOCATIONS: String(invocations), SENTRY_DSN: dsn }),
  );
  return { wrapper, sentryDsn: dsn !== undefined, ...result };
}
