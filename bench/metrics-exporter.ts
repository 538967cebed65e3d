/**
 * The time of one `/metrics` answer in AWS: the exporter's handler (withObservability included) reading a
 * realistic snapshot (about 200 samples) from the real Redis, checking the bearer token and rendering it with
 * prom-client; 1,000 calls after a warm-up. `npx tsx bench/metrics-exporter.ts` prints the figures;
 * `bench/run.ts` imports `benchmarkMetricsExporter`.
 */
import path from 'node:path';
import { Redis } from 'ioredis';
import { snapshotKey } from '../lambdas/shared/metrics-snapshot';
import { realisticSnapshot, sampleCount } from '../test/fixtures/metrics-snapshot';
import { httpApiEvent, lambdaContext } from '../test/support/lambda-events';
import { percentile, round } from './stats';

export interface MetricsExporterBenchmark {
  calls: number;
  samples: number;
  bodyBytes: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const TOKEN = 'bench-scrape-token-0123456789abcdef0123456789abcdef';

export async function benchmarkMetricsExporter(
  options: { calls?: number } = {},
): Promise<MetricsExporterBenchmark> {
  const calls = options.calls ?? 1_000;
  const stage = `bench-metrics-exporter-${process.pid}`;
  const env = {
    POWERTOOLS_SERVICE_NAME: 'signupflow',
    POWERTOOLS_METRICS_DISABLED: 'true',
    STAGE: stage,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    METRICS_TOKEN: TOKEN,
  };
  const savedEnv = { ...process.env };
  Object.assign(process.env, env);
  delete process.env.METRICS_TOKEN_SECRET_ARN;
  const redis = new Redis(env.REDIS_URL);
  const key = snapshotKey(env.POWERTOOLS_SERVICE_NAME, stage);
  const snapshot = realisticSnapshot();
  const { handler, closeExporter } = await import('../lambdas/metrics-exporter/handler');
  try {
    await redis.set(key, JSON.stringify(snapshot));
    const event = httpApiEvent('GET /metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
    const context = lambdaContext('metrics-exporter');
    const scrape = async () => (await handler(event, context)) as { statusCode: number; body: string };
    // Warm-up, not measured: module loading and the first Redis connection are a cold start.
    const first = await scrape();
    for (let i = 0; i < 20; i += 1) await scrape();
    const latencies: number[] = [];
    let errors = 0;
    for (let i = 0; i < calls; i += 1) {
      const startedAt = performance.now();
      const answer = await scrape();
      latencies.push(performance.now() - startedAt);
      if (answer.statusCode !== 200) errors += 1;
    }
    return {
      calls,
      samples: sampleCount(snapshot),
      bodyBytes: Buffer.byteLength(first.body),
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      errors: errors + (first.statusCode === 200 ? 0 : 1),
    };
  } finally {
    closeExporter();
    await redis.del(key);
    await redis.quit();
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchmarkMetricsExporter().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
