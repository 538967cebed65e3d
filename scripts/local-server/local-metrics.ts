/**
 * `GET /metrics` of the local server: the quick start's two families, kept by this process in a prom-client
 * registry and fed by `withObservability` with every API request the local handlers answer. (In AWS, Lambdas
 * cannot be scraped: `lambdas/metrics-exporter` renders the evaluator's snapshot instead.)
 */
import { Counter, Histogram, Registry } from 'prom-client';
import { metricsText, refusal } from '../../lambdas/metrics-exporter/responses';
import { onRequestRecorded } from '../../lambdas/shared/with-observability';

/** prometheus_client's default buckets, which the quick start's FastAPI app uses, in seconds. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

const LABEL_NAMES = ['method', 'endpoint', 'status_code'] as const;

export const localRegistry = new Registry();

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route template and status code',
  labelNames: LABEL_NAMES,
  registers: [localRegistry],
});

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration in seconds, by method, route template and status code',
  labelNames: LABEL_NAMES,
  buckets: DURATION_BUCKETS,
  registers: [localRegistry],
});

let listening = false;

/** Starts counting; the local server calls it once the local environment defaults are applied. */
export function startLocalMetrics(): void {
  if (listening) return;
  listening = true;
  onRequestRecorded(({ method, endpoint, status_code }, seconds) => {
    // In the quick start's order: method, endpoint, status_code.
    const labels = { method, endpoint, status_code };
    requests.inc(labels);
    duration.observe(labels, seconds);
  });
}

/** Open without METRICS_TOKEN (local only); with it, the same bearer check as in AWS. */
export async function handler(event: unknown): Promise<unknown> {
  const headers = (event as { headers?: Record<string, string | undefined> } | null)?.headers;
  const refused = refusal(headers?.authorization, process.env.METRICS_TOKEN || undefined);
  return refused ?? metricsText(await localRegistry.metrics());
}
