/**
 * `npm start`: the stack's HTTP routes on http://127.0.0.1:3000 (PORT to change it), served by the same
 * handlers Lambda runs, each request turned into an API Gateway HTTP API (v2) event.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { applyLocalDefaults } from './local-server/environment';
import { localContext, toHttpApiEvent } from './local-server/http-api-event';
import type { LocalAlerting, LocalAlertingOptions } from './local-server/local-alerting';
import { type Handler, LOCAL_ROUTES, matchRoute } from './local-server/routes';
import { applyMigrations } from './migrations';

/** API Gateway's own limit is 10 MB; nothing local needs more than this. */
const MAX_BODY_BYTES = 1024 * 1024;
const MIGRATION_TIMEOUT_MS = 10_000;
/** The Lambda timeout of the stack's functions, for `getRemainingTimeInMillis`. */
const FUNCTION_TIMEOUT_MS = 10_000;

export interface LocalServerOptions {
  /** 3000 by default; 0 picks a free port. */
  port?: number;
  host?: string;
  /** Where the start-up lines and the request log go; `console.log` by default. */
  log?: (line: string) => void;
  /** Applies the migrations to DATABASE_URL before serving (default true). */
  migrate?: boolean;
  /** The clock of the local alert loop (tests move it); the wall clock by default. */
  now?: () => Date;
  /** What of the alert loop to change: its timer, its run budget, its dependencies (`npm run soak`). */
  alerting?: Pick<LocalAlertingOptions, 'timer' | 'runBudgetMs' | 'dependencies'>;
}

export interface LocalServer {
  url: string;
  /** The local alert loop: runs every ALERT_EVALUATION_INTERVAL seconds; absent when that is 0. */
  alerting?: LocalAlerting;
  close(): Promise<void>;
}

interface LambdaResult {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  applyLocalDefaults();
  const log = options.log ?? ((line: string) => console.log(line));
  const host = options.host ?? '127.0.0.1';
  if (options.migrate ?? true) await migrate(process.env.DATABASE_URL as string, log);
  // Imported after the defaults: the handlers' shared modules read the environment when first loaded.
  (await import('./local-server/local-metrics')).startLocalMetrics();
  const intervalSeconds = Number(process.env.ALERT_EVALUATION_INTERVAL ?? 60);
  const alerting =
    intervalSeconds > 0
      ? (await import('./local-server/local-alerting')).startLocalAlerting({
          ...options.alerting,
          intervalSeconds,
          log,
          now: options.now,
        })
      : undefined;

  let baseUrl = '';
  const handlers = new Map<string, Promise<Handler>>();
  const handlerFor = (functionDir: string, load: () => Promise<Handler>) => {
    let handler = handlers.get(functionDir);
    if (!handler) {
      handler = load();
      handlers.set(functionDir, handler);
    }
    return handler;
  };

  const server = http.createServer(async (request, response) => {
    const startedAt = performance.now();
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    let status = 500;
    try {
      const body = await readBody(request);
      if (body === undefined) {
        status = sendJson(response, 413, { message: 'Request Entity Too Large' });
        return;
      }
      if (method === 'GET' && path === '/') {
        status = 200;
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(await statusPage(baseUrl, alerting));
        return;
      }
      const match = matchRoute(LOCAL_ROUTES, method, path);
      if (!match) {
        status = sendJson(response, 404, { message: 'Not Found' });
        return;
      }
      const handler = await handlerFor(match.route.functionDir, match.route.load);
      const event = toHttpApiEvent(request, body, match);
      const result = await handler(
        event,
        localContext(`signupflow-local-${match.route.functionDir}`, FUNCTION_TIMEOUT_MS),
      );
      status = sendResult(response, result);
    } catch (error) {
      log(`  handler failed: ${(error as Error).name}: ${(error as Error).message}`);
      status = sendJson(response, 500, { message: 'Internal Server Error' });
    } finally {
      log(
        `${new Date().toISOString()} ${method} ${path} ${status} ${(performance.now() - startedAt).toFixed(1)} ms`,
      );
    }
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 3000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host}:${port}`;
  baseUrl = url;
  log(`SignUpFlow local API on ${url} (status page: ${url}/)`);
  for (const route of LOCAL_ROUTES) {
    const [routeMethod, routePath] = route.routeKey.split(' ');
    log(`  ${routeMethod?.padEnd(5)} ${url}${routePath}`);
  }
  if (alerting) {
    const target = process.env.SLACK_WEBHOOK_URL ? 'SLACK_WEBHOOK_URL' : 'this console';
    log(
      `Alert rules evaluated every ${intervalSeconds} s (ALERT_EVALUATION_INTERVAL); alerts go to ${target}`,
    );
  }

  return {
    url,
    alerting,
    close: async () => {
      await alerting?.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (handlers.has('health')) {
        const { closeEnvironmentProbes } = await import('../lambdas/health/environment-probes');
        closeEnvironmentProbes();
      }
    },
  };
}

async function migrate(databaseUrl: string, log: (line: string) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const applied = await Promise.race([
      applyMigrations(databaseUrl),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${MIGRATION_TIMEOUT_MS / 1_000} s`)),
          MIGRATION_TIMEOUT_MS,
        );
      }),
    ]);
    log(
      applied.length > 0 ? `Applied migrations ${applied.join(', ')}` : 'The database schema is up to date',
    );
  } catch (error) {
    // Serve anyway: /health then shows what is wrong with the database.
    log(`Could not apply the migrations (${(error as Error).message}); /api routes need the database`);
  } finally {
    clearTimeout(timer);
  }
}

function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The response API Gateway makes of a handler's result, including its inference for results without a status. */
function sendResult(response: http.ServerResponse, result: unknown): number {
  const structured = result as LambdaResult | null;
  if (typeof structured !== 'object' || structured === null || typeof structured.statusCode !== 'number') {
    return sendJson(response, 200, result ?? null);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name] = String(value);
  if (structured.cookies?.length) headers['set-cookie'] = structured.cookies;
  const body = structured.isBase64Encoded
    ? Buffer.from(structured.body ?? '', 'base64')
    : (structured.body ?? '');
  return send(response, structured.statusCode, headers, body);
}

function sendJson(response: http.ServerResponse, status: number, body: unknown): number {
  return send(response, status, { 'content-type': 'application/json' }, JSON.stringify(body));
}

function send(
  response: http.ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer,
): number {
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
  return status;
}

async function main(): Promise<void> {
  const server = await startLocalServer({ port: Number(process.env.PORT ?? 3000) });
  console.log('Press Ctrl-C to stop');
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (process.argv[1] && path.resolve(process.argv[1]) === __filename) {
  main().catch((error: Error) => {
    console.error(`The local server could not start: ${error.message}`);
    process.exit(1);
  });
}

/** The status page (scripts/local-server/status-page.ts) from the alert loop and this server's own /health. */
async function statusPage(baseUrl: string, alerting: LocalAlerting | undefined): Promise<string> {
  const { renderStatusPage } = await import('./local-server/status-page');
  const healthBody = (await (await fetch(`${baseUrl}/health`)).json()) as {
    components?: Record<string, { status: string; response_time_ms?: number; error?: string }>;
  };
  const health = Object.entries(healthBody.components ?? {}).map(([component, result]) => ({
    component,
    status: result.status,
    detail: result.error ?? `${result.response_time_ms ?? '?'} ms`,
  }));
  const { rules, alerts } = alerting ? await alerting.rulesAndAlerts() : { rules: [], alerts: [] };
  return renderStatusPage({ generatedAt: new Date(), rules, health, alerts, refreshSeconds: 15 });
}
