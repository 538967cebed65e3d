import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FluxStreamServer {
  url: string;
  /** Rows written to the socket before the client stopped reading or the answer ended. */
  readonly rowsSent: number;
  /** Whether the client closed the connection before the whole answer was sent. */
  readonly closedEarly: boolean;
  /** Every request's `Authorization` header, in order. */
  readonly authorizations: string[];
  close(): Promise<void>;
}

const HEADER = [
  '#datatype,string,long,dateTime:RFC3339,double,string,string',
  '#group,false,false,false,false,true,true',
  '#default,_result,,,,,',
  ',result,table,_time,_value,_field,_measurement',
].join('\r\n');

/**
 * An InfluxDB `/api/v2/query` that answers `rows` rows of annotated CSV, written as the client reads them
 * (never held in memory): a careless `range(start: -30d)` without aggregation, at any size. `delayMs`
 * between chunks makes it trickle.
 */
export async function startFluxStreamServer(rows: number, delayMs = 0): Promise<FluxStreamServer> {
  let rowsSent = 0;
  let closedEarly = false;
  const authorizations: string[] = [];
  const start = Date.parse('2026-10-31T10:00:00Z');
  const server = createServer((request, response) => {
    authorizations.push(String(request.headers.authorization));
    request.resume();
    request.on('end', () => stream(response));
  });

  const stream = (response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    response.write(`${HEADER}\r\n`);
    let next = 0;
    response.on('close', () => {
      if (next < rows) closedEarly = true;
    });
    const writeChunk = () => {
      while (next < rows) {
        let chunk = '';
        for (let count = 0; count < 1_000 && next < rows; count++, next++) {
          chunk += `,,0,${new Date(start + next * 1_000).toISOString()},${next % 100},count,signups\r\n`;
        }
        rowsSent = next;
        const more = response.write(chunk);
        if (delayMs > 0) {
          setTimeout(writeChunk, delayMs);
          return;
        }
        if (!more) {
          response.once('drain', writeChunk);
          return;
        }
      }
      response.end('\r\n');
    };
    writeChunk();
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get rowsSent() {
      return rowsSent;
    },
    get closedEarly() {
      return closedEarly;
    },
    authorizations,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
