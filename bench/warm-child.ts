/**
 * Child process of the warm-overhead benchmark (see warm-overhead.ts): imports one bundle exporting `bare`
 * and `wrapped`, and times both, interleaved, on the success and the error path.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpApiEvent, lambdaContext } from '../test/support/lambda-events';
import { median, percentile, round } from './stats';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

const bundleFile = process.env.BENCH_BUNDLE ?? '';
const invocations = Number(process.env.BENCH_INVOCATIONS ?? 10_000);
const warmup = Math.max(200, Math.floor(invocations / 10));

const context = lambdaContext('signupflow-production-api');
const paths = {
  success: httpApiEvent('GET /api/events', { query: { organization_id: 'org-1' } }),
  error: httpApiEvent('POST /api/fail'),
};

async function timed(handler: Handler, event: APIGatewayProxyEventV2): Promise<number> {
  const startedAt = performance.now();
  try {
    await handler(event, context);
  } catch {
    // the bare handler (and the naive composition) rethrow on the error path: that is what is measured
  }
  return performance.now() - startedAt;
}

async function main(): Promise<void> {
  const subject = (await import(pathToFileURL(bundleFile).href)) as { bare: Handler; wrapped: Handler };
  const results: Record<string, unknown> = {};
  for (const [name, event] of Object.entries(paths)) {
    for (let i = 0; i < warmup; i += 1) {
      await timed(subject.bare, event);
      await timed(subject.wrapped, event);
    }
    const bare = new Float64Array(invocations);
    const wrapped = new Float64Array(invocations);
    for (let i = 0; i < invocations; i += 1) {
      // Alternating which goes first cancels the advantage of running second on a hot cache.
      if (i % 2 === 0) {
        bare[i] = await timed(subject.bare, event);
        wrapped[i] = await timed(subject.wrapped, event);
      } else {
        wrapped[i] = await timed(subject.wrapped, event);
        bare[i] = await timed(subject.bare, event);
      }
    }
    results[name] = {
      invocations,
      bareMedianMs: round(median(bare), 4),
      bareP99Ms: round(percentile(bare, 0.99), 4),
      wrappedMedianMs: round(median(wrapped), 4),
      wrappedP99Ms: round(percentile(wrapped, 0.99), 4),
      overheadMedianMs: round(median(wrapped) - median(bare), 4),
      overheadP99Ms: round(percentile(wrapped, 0.99) - percentile(bare, 0.99), 4),
    };
  }
  writeFileSync(process.env.BENCH_RESULT_FILE ?? '/dev/null', JSON.stringify(results));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
