import { existsSync, readFileSync } from 'node:fs';

/** What the cost model takes from `npm run bench` (bench/results.json). */
export interface Measured {
  source: string;
  /** Log bytes a 2xx API request prints (EMF included), with a Sentry DSN set. */
  successBytes: number;
  /** Of successBytes: duration samples per request, and the bytes they printed as (separators included). */
  successDurationValues?: number;
  successDurationValueBytes?: number;
  /** Log bytes a 5xx prints (its error line, and the metrics published at once). */
  serverErrorBytes: number;
  /** The EMF part of serverErrorBytes: what is left is the error line. */
  serverErrorEmfBytes: number;
  /**
   * Log bytes per request of the measured mix (every 5xx publishing at once), and its share of 5xx: the
   * extra EMF a publication at a 5xx costs, when the minute's other series go with it, comes from there.
   */
  mixBytes?: number;
  mixErrorShare?: number;
  /** withObservability's median warm overhead on success with a DSN, ms. */
  warmOverheadMs: number;
}

/**
 * Used when bench/results.json is absent: the figures of `npm run bench` on 2026-11-29 (Node 20, 2 cores),
 * as docs/performance-and-cost.md shows them. Run the benchmark for your own.
 */
export const FALLBACK: Measured = {
  source: 'fallback (bench/results.json absent: figures of docs/performance-and-cost.md)',
  successBytes: 20.3,
  serverErrorBytes: 1_602,
  serverErrorEmfBytes: 427,
  mixBytes: 133.4,
  mixErrorShare: 0.05,
  warmOverheadMs: 0.01,
};

interface LogBytesRow {
  subject: string;
  scenario: string;
  sentryDsn: boolean;
  bytesPerRequest: number;
  emfBytesPerRequest: number;
  durationValuesPerRequest?: number;
  durationValueBytesPerRequest?: number;
  errorShare?: number;
}

export function readMeasured(file: string): Measured {
  if (!existsSync(file)) return FALLBACK;
  const results = JSON.parse(readFileSync(file, 'utf8')) as {
    generatedAt?: string;
    logBytes?: LogBytesRow[];
    mixErrorShare?: number;
    warmOverhead?: { wrapper: string; sentryDsn: boolean; success: { overheadMedianMs: number } }[];
  };
  const row = (scenario: string) =>
    results.logBytes?.find(
      (r) => r.subject === 'withObservability' && r.scenario === scenario && r.sentryDsn,
    );
  const success = row('success');
  const serverError = row('serverError');
  if (!success || !serverError) return FALLBACK;
  const warm = results.warmOverhead?.find((w) => w.wrapper === 'withObservability' && w.sentryDsn);
  return {
    source: `${file} (${results.generatedAt ?? 'undated'})`,
    successBytes: success.bytesPerRequest,
    successDurationValues: success.durationValuesPerRequest,
    successDurationValueBytes: success.durationValueBytesPerRequest,
    serverErrorBytes: serverError.bytesPerRequest,
    serverErrorEmfBytes: serverError.emfBytesPerRequest,
    mixBytes: row('mix')?.bytesPerRequest,
    mixErrorShare: results.mixErrorShare,
    warmOverheadMs: Math.max(0, warm?.success.overheadMedianMs ?? FALLBACK.warmOverheadMs),
  };
}
