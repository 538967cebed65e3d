import type { Context } from 'aws-lambda';
import { contextOf } from './notifier-subscription';
import type { SeededRandom } from './random';

/** A request that has no answer after this long hangs: every route's function gives up well before. */
const HUNG_AFTER_MS = 12_000;

interface RouteFigures {
  count: number;
  statuses: Record<string, number>;
  slowestMs: number;
  hung: number;
}

type Exporter = (event: unknown, context: Context) => Promise<unknown>;

/**
 * The soak's users: each tick a few event lists, a health check, a scrape of the /metrics exporter (the
 * production handler, reading the snapshot from Redis) and now and then the test error (a 500 Sentry gets).
 * Every answer is counted; a request without one within 12 s is a failure.
 */
export class Traffic {
  readonly #url: string;
  readonly #exporter: Exporter;
  readonly #routes = new Map<string, RouteFigures>();
  readonly #pending = new Set<Promise<void>>();

  constructor(url: string, exporter: Exporter) {
    this.#url = url;
    this.#exporter = exporter;
  }

  send(random: SeededRandom): void {
    for (let index = 0; index < 3; index++)
      this.#http('GET /api/events', 'GET', '/api/events?organization_id=soak-org');
    this.#http('GET /health', 'GET', '/health');
    if (random.chance(0.3)) this.#http('POST /api/trigger-test-error', 'POST', '/api/trigger-test-error');
    this.#track('GET /metrics (exporter)', async () => {
      const answer = (await this.#exporter(
        {
          version: '2.0',
          routeKey: 'GET /metrics',
          rawPath: '/metrics',
          rawQueryString: '',
          headers: { authorization: 'Bearer soak-metrics-token' },
          requestContext: {
            http: { method: 'GET', path: '/metrics' },
            requestId: crypto.randomUUID(),
            routeKey: 'GET /metrics',
          },
          isBase64Encoded: false,
        },
        contextOf(5_000),
      )) as { statusCode?: number };
      return answer.statusCode ?? 0;
    });
  }

  /** Resolves once every request sent has its answer (or has hung). */
  async settled(): Promise<void> {
    await Promise.all(this.#pending);
  }

  get figures(): { total: number; byRoute: Record<string, RouteFigures> } {
    const byRoute = Object.fromEntries(this.#routes);
    return { total: [...this.#routes.values()].reduce((sum, route) => sum + route.count, 0), byRoute };
  }

  failures(): string[] {
    return [...this.#routes]
      .filter(([, figures]) => figures.hung > 0)
      .map(
        ([route, figures]) =>
          `${figures.hung} request(s) to ${route} had no answer within ${HUNG_AFTER_MS} ms`,
      );
  }

  #http(route: string, method: string, path: string): void {
    this.#track(route, async () => {
      const response = await fetch(`${this.#url}${path}`, {
        method,
        signal: AbortSignal.timeout(HUNG_AFTER_MS),
      });
      await response.arrayBuffer();
      return response.status;
    });
  }

  #track(route: string, request: () => Promise<number>): void {
    const figures = this.#routes.get(route) ?? { count: 0, statuses: {}, slowestMs: 0, hung: 0 };
    this.#routes.set(route, figures);
    figures.count += 1;
    const startedAt = performance.now();
    const done = Promise.race([
      request(),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), HUNG_AFTER_MS).unref()),
    ])
      .then(
        (status) => {
          if (status === 'hung') figures.hung += 1;
          else figures.statuses[status] = (figures.statuses[status] ?? 0) + 1;
        },
        (error: Error) => {
          const key = error.name === 'TimeoutError' ? 'hung' : `error ${error.name}`;
          if (key === 'hung') figures.hung += 1;
          else figures.statuses[key] = (figures.statuses[key] ?? 0) + 1;
        },
      )
      .finally(() => {
        figures.slowestMs = Math.max(figures.slowestMs, Math.round(performance.now() - startedAt));
        this.#pending.delete(done);
      });
    this.#pending.add(done);
  }
}
