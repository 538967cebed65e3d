import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { withObservability } from '../../../lambdas/shared/with-observability';
import { type LocalServer, startLocalServer } from '../../../scripts/local-server';
import { localRegistry, startLocalMetrics } from '../../../scripts/local-server/local-metrics';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { promtoolCheckMetrics } from '../../support/promtool';

/** The sample lines of the exposition (no comments), for exact comparisons. */
function samples(text: string, prefix: string): string[] {
  return text.split('\n').filter((line) => line.startsWith(prefix));
}

describe('GET /metrics of the local server', () => {
  let database: TestDatabase;
  let server: LocalServer | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
    vi.stubEnv('METRICS_TOKEN', '');
    server = await startLocalServer({ port: 0, log: () => undefined });
  });

  afterEach(() => {
    vi.stubEnv('METRICS_TOKEN', '');
  });

  afterAll(async () => {
    await server?.close();
    vi.unstubAllEnvs();
    await database.drop();
  });

  it("prints exactly the quick start's two families, by method, route template and status code", async () => {
    // Prepare
    localRegistry.resetMetrics();
    const url = server?.url as string;
    await fetch(`${url}/live`);
    await fetch(`${url}/live`);
    await fetch(`${url}/api/events?limit=5`);
    await fetch(`${url}/api/trigger-test-error`, { method: 'POST' });

    // Act
    const response = await fetch(`${url}/metrics`);
    const text = await response.text();
    const verdict = await promtoolCheckMetrics(text);

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(verdict).toEqual({ exitCode: 0, output: '' });
    expect(text.split('\n').filter((line) => line.startsWith('# TYPE'))).toEqual([
      '# TYPE http_requests_total counter',
      '# TYPE http_request_duration_seconds histogram',
    ]);
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",endpoint="/live",status_code="200"} 2',
      'http_requests_total{method="GET",endpoint="/api/events",status_code="400"} 1',
      'http_requests_total{method="POST",endpoint="/api/trigger-test-error",status_code="500"} 1',
    ]);
    const liveBuckets = samples(text, 'http_request_duration_seconds_bucket{le=').filter((line) =>
      line.includes('endpoint="/live"'),
    );
    expect(liveBuckets).toHaveLength(15);
    expect(liveBuckets.at(-1)).toBe(
      'http_request_duration_seconds_bucket{le="+Inf",method="GET",endpoint="/live",status_code="200"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",endpoint="/live",status_code="200"} 2\n',
    );
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    // Prepare
    vi.stubEnv('METRICS_TOKEN', 'local-scrape-token');
    const url = `${server?.url}/metrics`;

    // Act
    const without = await fetch(url);
    const wrong = await fetch(url, { headers: { authorization: 'Bearer another-token' } });
    const right = await fetch(url, { headers: { authorization: 'Bearer local-scrape-token' } });

    // Assess
    expect([without.status, wrong.status, right.status]).toEqual([401, 401, 200]);
    expect(without.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    expect(await right.text()).toContain('# TYPE http_requests_total counter');
  });

  it('escapes quotes, backslashes and newlines in a label value fed through withObservability', async () => {
    // Prepare
    startLocalMetrics();
    localRegistry.resetMetrics();
    const odd = withObservability(async () => ({ statusCode: 204 }));

    // Act
    await odd(httpApiEvent('GET /odd/"quoted"\\back\nline'), lambdaContext('local'));
    const text = await localRegistry.metrics();
    const verdict = await promtoolCheckMetrics(text);

    // Assess
    expect(samples(text, 'http_requests_total')).toEqual([
      'http_requests_total{method="GET",endpoint="/odd/\\"quoted\\"\\\\back\\nline",status_code="204"} 1',
    ]);
    expect(verdict).toEqual({ exitCode: 0, output: '' });
  });
});
