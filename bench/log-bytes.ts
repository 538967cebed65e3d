import { baseEnv, runChild } from './child';
import { between } from './marks';

export type Scenario = 'success' | 'clientError' | 'serverError' | 'mix';

export interface LogBytesResult {
  subject: 'withObservability' | 'naive';
  scenario: Scenario;
  sentryDsn: boolean;
  requests: number;
  statuses: Record<string, number>;
  bytesPerRequest: number;
  /** The part of bytesPerRequest that is EMF (metric) documents. */
  emfBytesPerRequest: number;
  /**
   * Duration samples (metrics in Seconds) the EMF documents carry per request, and the bytes they print as,
   * separators included: locally most durations print as `0`, in AWS as `0.012`.
   */
  durationValuesPerRequest: number;
  durationValueBytesPerRequest: number;
  linesPerRequest: number;
}

/**
 * Serves `requests` requests of one scenario in a fresh process with production settings and divides
 * everything printed to stdout and stderr (EMF included) by the number of requests. A line counts its
 * UTF-8 bytes without the newline, as the CloudWatch Logs event Lambda makes of it.
 */
export async function logBytes(options: {
  subject: LogBytesResult['subject'];
  bundleFile: string;
  scenario: Scenario;
  requests: number;
  dsn?: string;
  databaseUrl?: string;
  mixErrorEvery?: number;
}): Promise<LogBytesResult> {
  const { result, stdout, stderr } = await runChild<{ requests: number; statuses: Record<string, number> }>(
    'log-child.ts',
    baseEnv({
      BENCH_BUNDLE: options.bundleFile,
      BENCH_SCENARIO: options.scenario,
      BENCH_REQUESTS: String(options.requests),
      BENCH_MIX_ERROR_EVERY: String(options.mixErrorEvery ?? 20),
      SENTRY_DSN: options.dsn,
      // Every 5xx publishes: the cost model applies the once-a-second limit to the traffic it prices.
      METRICS_ERROR_FLUSH_MIN_INTERVAL_MS: '0',
      DATABASE_URL: options.databaseUrl,
    }),
    { captureOutput: true },
  );
  const lines = [...between(stdout).split('\n'), ...between(stderr).split('\n')].filter(
    (line) => line !== '',
  );
  const bytes = (list: string[]) => list.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8'), 0);
  const emf = lines.filter((line) => line.includes('"_aws"'));
  const durations = durationValues(emf);
  return {
    subject: options.subject,
    scenario: options.scenario,
    sentryDsn: options.dsn !== undefined,
    requests: result.requests,
    statuses: result.statuses,
    bytesPerRequest: round1(bytes(lines) / result.requests),
    emfBytesPerRequest: round1(bytes(emf) / result.requests),
    durationValuesPerRequest: round2(durations.count / result.requests),
    durationValueBytesPerRequest: round2(durations.bytes / result.requests),
    linesPerRequest: Math.round((lines.length / result.requests) * 1_000) / 1_000,
  };
}

interface EmfDocument {
  _aws?: { CloudWatchMetrics?: { Metrics?: { Name: string; Unit?: string }[] }[] };
  [key: string]: unknown;
}

/** The Seconds samples of EMF lines: how many, and their bytes as printed with one separator each. */
export function durationValues(emfLines: string[]): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  for (const line of emfLines) {
    const document = JSON.parse(line) as EmfDocument;
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      for (const metric of directive.Metrics ?? []) {
        if (metric.Unit !== 'Seconds') continue;
        const value = document[metric.Name];
        const samples = Array.isArray(value) ? value : [value];
        count += samples.length;
        for (const sample of samples) bytes += JSON.stringify(sample).length + 1;
      }
    }
  }
  return { count, bytes };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
