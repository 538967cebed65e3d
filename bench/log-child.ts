/**
 * Child process of the log-bytes benchmark (see log-bytes.ts): one fresh "Lambda environment" that serves
 * one scenario's requests through a bundled handler. Everything it prints between the two marks, on stdout
 * and stderr, is what those requests cost in CloudWatch Logs.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { httpApiEvent, lambdaContext } from '../test/support/lambda-events';
import { END_MARK, START_MARK } from './marks';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;
type Kind = 'success' | 'clientError' | 'serverError';

interface Subject {
  handler: Handler;
  aggregatedMetrics?: { flush(): void };
}

/** An HTTP API request id as API Gateway makes them: 16 characters (`JpMLRjQXIAMEb2w=`). */
const apiRequestId = () => randomBytes(12).toString('base64').slice(0, 15).concat('=');

const REQUESTS: Record<Kind, (organizationId: string) => APIGatewayProxyEventV2> = {
  success: (organizationId) =>
    httpApiEvent('GET /api/events', {
      query: { organization_id: organizationId },
      requestId: apiRequestId(),
    }),
  clientError: () => httpApiEvent('GET /api/events', { query: { limit: 'many' }, requestId: apiRequestId() }),
  serverError: () => httpApiEvent('POST /api/trigger-test-error', { requestId: apiRequestId() }),
};

/** `mix` is the cost model's traffic: one 5xx in every `BENCH_MIX_ERROR_EVERY` requests, the rest 2xx. */
function kindOf(scenario: string, index: number, errorEvery: number): Kind {
  if (scenario === 'mix') return index % errorEvery === errorEvery - 1 ? 'serverError' : 'success';
  return scenario as Kind;
}

async function main(): Promise<void> {
  const scenario = process.env.BENCH_SCENARIO ?? 'success';
  const requests = Number(process.env.BENCH_REQUESTS ?? 1_000);
  const errorEvery = Number(process.env.BENCH_MIX_ERROR_EVERY ?? 20);
  const organizationId = process.env.BENCH_ORGANIZATION_ID ?? 'org-bench';
  const subject = (await import(pathToFileURL(process.env.BENCH_BUNDLE ?? '').href)) as Subject;
  const statuses: Record<string, number> = {};
  const invoke = async (kind: Kind) => {
    // What Lambda gives each invocation: its own request id (a UUID) and trace header.
    const context = { ...lambdaContext('signupflow-production-api'), awsRequestId: randomUUID() };
    process.env._X_AMZN_TRACE_ID = unsampledTraceHeader();
    let status = 500;
    try {
      const result = (await subject.handler(REQUESTS[kind](organizationId), context)) as {
        statusCode?: number;
      };
      status = result?.statusCode ?? 200;
    } catch {
      // the naive composition rethrows: API Gateway answers 500
    }
    statuses[status] = (statuses[status] ?? 0) + 1;
  };

  // The cold start (ColdStart metric, first connection, the one-time Sentry warning) is not per request.
  for (const kind of ['success', 'clientError', 'serverError'] as const) await invoke(kind);
  subject.aggregatedMetrics?.flush();
  for (const key of Object.keys(statuses)) delete statuses[key];

  await mark(START_MARK);
  for (let index = 0; index < requests; index += 1) await invoke(kindOf(scenario, index, errorEvery));
  // What the 60 s timer would write at the end of the interval.
  subject.aggregatedMetrics?.flush();
  await mark(END_MARK);
  writeFileSync(process.env.BENCH_RESULT_FILE ?? '/dev/null', JSON.stringify({ requests, statuses }));
}

/**
 * Lambda sets a trace header on every invocation, and Powertools Logger prints its Root on each line: behind
 * an HTTP API (pass-through tracing) X-Ray samples none of them.
 */
function unsampledTraceHeader(): string {
  const epochHex = Math.floor(Date.now() / 1_000).toString(16);
  return `Root=1-${epochHex}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
}

async function mark(text: string): Promise<void> {
  await new Promise<void>((resolve) => process.stdout.write(`${text}\n`, () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write(`${text}\n`, () => resolve()));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
