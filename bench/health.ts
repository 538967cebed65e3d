/**
 * `/health` latency through the local server over real HTTP: 1,000 requests, 50 at a time, against the real
 * Postgres and Redis. `npx tsx bench/health.ts` prints the figures; `bench/run.ts` imports `benchmarkHealth`.
 */
import http from 'node:http';
import path from 'node:path';
import { startLocalServer } from '../scripts/local-server';
import { percentile, round } from './stats';

export interface HealthBenchmark {
  requests: number;
  concurrency: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export async function benchmarkHealth(
  options: { requests?: number; concurrency?: number } = {},
): Promise<HealthBenchmark> {
  const requests = options.requests ?? 1_000;
  const concurrency = options.concurrency ?? 50;
  // The local server fills in its defaults (DATABASE_URL, metrics off, ...): benchmarks run after this one
  // in the same process must not inherit them.
  const savedEnv = { ...process.env };
  const server = await startLocalServer({ port: 0, log: () => undefined });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    const target = `${server.url}/health`;
    // Warm-up, not measured: module loading, the first Postgres and Redis connections and the opening of
    // `concurrency` keep-alive sockets are a cold start, not the steady state a load balancer sees.
    await get(target, agent);
    await Promise.all(Array.from({ length: concurrency }, () => get(target, agent)));
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        next += 1;
        const startedAt = performance.now();
        const status = await get(target, agent).catch(() => 0);
        latencies.push(performance.now() - startedAt);
        if (status !== 200) errors += 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return {
      requests,
      concurrency,
      p50Ms: round(percentile(latencies, 0.5), 2),
      p99Ms: round(percentile(latencies, 0.99), 2),
      errors,
    };
  } finally {
    agent.destroy();
    await server.close();
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
    Object.assign(process.env, savedEnv);
  }
}

function get(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  benchmarkHealth().then(
    (result) => {
      console.log(
        `/health through the local server: ${result.requests} requests at ${result.concurrency} concurrent: ` +
          `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors`,
      );
      console.log(JSON.stringify(result));
      process.exit(0);
    },
    (error: Error) => {
      console.error(`The health benchmark failed: ${error.message}`);
      process.exit(1);
    },
  );
}
