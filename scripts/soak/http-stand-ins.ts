import { FaultableServer, type StandInRequest } from './faultable-server';
import type { MetricWorld, SoakClock } from './metric-world';

const text = (status: number, body: string, headers: Record<string, string> = {}) => ({
  status,
  headers: { 'content-type': 'text/plain', ...headers },
  body,
});

/** A 500 and a 429 in turn, in the words of the service's plain-text answers. */
const turnByTurn = (request: StandInRequest) => request.body.length % 2 === 0;

/** A Slack incoming webhook: a post it answers `ok` to is in `posts`. Its poison is a 200 that is not `ok`. */
export function startSlack(posts: string[]): Promise<FaultableServer> {
  return FaultableServer.start('slack', {
    healthy: (request) => {
      posts.push(request.body);
      return text(200, 'ok');
    },
    error: (request) =>
      turnByTurn(request) ? text(500, 'internal_error') : text(429, 'rate_limited', { 'retry-after': '1' }),
    poison: () => text(200, 'ok?'),
  });
}

/** Sentry's ingest: an envelope it answers 200 to is counted. Its poison is a 200 whose body is not JSON. */
export function startSentry(): Promise<FaultableServer & { envelopes: number }> {
  let envelopes = 0;
  return FaultableServer.start('sentry', {
    healthy: () => {
      envelopes += 1;
      return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
    },
    error: (request) =>
      turnByTurn(request) ? text(503, 'unavailable') : text(429, 'rate limited', { 'retry-after': '1' }),
    poison: () => text(200, '<html>'),
  }).then(
    (server) =>
      Object.defineProperty(server, 'envelopes', { get: () => envelopes }) as FaultableServer & {
        envelopes: number;
      },
  );
}

/** Rows of a Flux answer: the annotated CSV InfluxDB 2.x sends. */
function annotatedCsv(rows: { time: Date; value: number }[]): string {
  const lines = [
    '#datatype,string,long,dateTime:RFC3339,double,string,string',
    '#group,false,false,false,false,true,true',
    '#default,_result,,,,,',
    ',result,table,_time,_value,_field,_measurement',
    ...rows.map((row) => `,,0,${row.time.toISOString()},${row.value},value,signal`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * InfluxDB 2.x for the soak: `/api/v2/query` with the read-only token answers the Flux rule's series over the
 * last ten minutes (each window stamped with its stop), `/api/v2/write` with the write token takes the export.
 * Its errors are a 503 and a 429; its poison a query answer over the evaluator's row cap.
 */
export function startInfluxDb(
  world: MetricWorld,
  clock: SoakClock,
  tokens: { read: string; write: string },
  series: string,
): Promise<FaultableServer & { writes: number }> {
  let writes = 0;
  const error = (status: number, message: string) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: status === 429 ? 'too many requests' : 'unavailable', message }),
  });
  const lastMinutes = (count: number) => {
    const end = Math.floor(clock.now().getTime() / 60_000) * 60_000;
    return Array.from({ length: count }, (_, index) => {
      const start = end - (count - index) * 60_000;
      return { time: new Date(start + 60_000), value: world.valueAt(series, new Date(start)) };
    });
  };
  return FaultableServer.start('influxdb', {
    healthy: (request) => {
      const authorization = request.headers.authorization;
      if (request.path.startsWith('/api/v2/query')) {
        if (authorization !== `Token ${tokens.read}`) return error(401, 'unauthorized access');
        return {
          status: 200,
          headers: { 'content-type': 'text/csv; charset=utf-8' },
          body: annotatedCsv(lastMinutes(10)),
        };
      }
      if (request.path.startsWith('/api/v2/write')) {
        if (authorization !== `Token ${tokens.write}`)
          return error(403, 'insufficient permissions for write');
        writes += 1;
        return { status: 204, body: '' };
      }
      return error(404, 'path not found');
    },
    error: (request) =>
      turnByTurn(request) ? error(503, 'service unavailable') : error(429, 'rate limited'),
    poison: (request) =>
      request.path.startsWith('/api/v2/query')
        ? {
            status: 200,
            headers: { 'content-type': 'text/csv; charset=utf-8' },
            body: annotatedCsv(lastMinutes(10_001)),
          }
        : error(400, 'unable to parse points'),
  }).then(
    (server) =>
      Object.defineProperty(server, 'writes', { get: () => writes }) as FaultableServer & { writes: number },
  );
}
