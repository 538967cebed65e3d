import type { Context } from 'aws-lambda';

export type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalRoute {
  routeKey: string;
  /** The function's name, as in the stack: `lambdas/<functionDir>/handler.ts`. */
  functionDir: string;
  load: () => Promise<Handler>;
}

const health = () => import('../../lambdas/health/handler').then((module) => module.handler as Handler);
const api = () => import('../../lambdas/api/handler').then((module) => module.handler as Handler);
const localMetrics = () => import('./local-metrics').then((module) => module.handler as Handler);

/** The HTTP routes of the stack and the handler behind each. */
export const LOCAL_ROUTES: LocalRoute[] = [
  { routeKey: 'GET /health', functionDir: 'health', load: health },
  { routeKey: 'GET /ready', functionDir: 'health', load: health },
  { routeKey: 'GET /live', functionDir: 'health', load: health },
  { routeKey: 'GET /api/events', functionDir: 'api', load: api },
  { routeKey: 'POST /api/trigger-test-error', functionDir: 'api', load: api },
  // Not the stack's exporter: this process's own registry of the requests above (scripts/local-server/local-metrics.ts).
  { routeKey: 'GET /metrics', functionDir: 'local-metrics', load: localMetrics },
];

export interface RouteMatch {
  route: LocalRoute;
  routeKey: string;
  pathParameters?: Record<string, string>;
}

/** The route a request matches: its method and a path matching the template (`/api/events/{id}`). */
export function matchRoute(routes: LocalRoute[], method: string, path: string): RouteMatch | undefined {
  for (const route of routes) {
    const [routeMethod, template = '/'] = route.routeKey.split(' ');
    if (routeMethod !== method) continue;
    const names: string[] = [];
    const pattern = template
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    const found = new RegExp(`^${pattern}$`).exec(path);
    if (!found) continue;
    if (names.length === 0) return { route, routeKey: route.routeKey };
    const pathParameters = Object.fromEntries(
      names.map((name, index) => [name, decodeURIComponent(found[index + 1] ?? '')]),
    );
    return { route, routeKey: route.routeKey, pathParameters };
  }
  return undefined;
}
