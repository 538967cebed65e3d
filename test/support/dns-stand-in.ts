import dgram from 'node:dgram';
import { Resolver } from 'node:dns';
import type { LookupFunction } from 'node:net';

export interface DnsStandIn {
  /** A `lookup` for `net.connect` that asks this server, as `dns.lookup` asks the machine's resolver. */
  lookup: LookupFunction;
  close(): Promise<void>;
}

/**
 * A DNS server on 127.0.0.1 that knows no name: it answers every query NXDOMAIN, as a resolver does for a host
 * name that does not exist. Lets a test see Node's real ENOTFOUND without asking a resolver beyond loopback.
 */
export async function startNxdomainServer(): Promise<DnsStandIn> {
  const server = dgram.createSocket('udp4');
  server.on('message', (query, peer) => {
    const answer = Buffer.from(query.subarray(0, questionEnd(query)));
    // QR=1 (a response), opcode as asked, RD copied, RA=1, RCODE=3 (NXDOMAIN); no answer records.
    answer[2] = 0x80 | ((query[2] ?? 0) & 0x79);
    answer[3] = 0x80 | 0x03;
    answer.writeUInt16BE(1, 4);
    answer.writeUInt16BE(0, 6);
    answer.writeUInt16BE(0, 8);
    answer.writeUInt16BE(0, 10);
    server.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([`127.0.0.1:${server.address().port}`]);
  const lookup = ((hostname: string, _options: unknown, callback: (...args: unknown[]) => void) => {
    resolver.resolve4(hostname, (error, addresses) => {
      if (error) callback(error);
      else callback(null, addresses[0], 4);
    });
  }) as LookupFunction;
  return { lookup, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Where the first question of a query ends: its name's labels, the root label, type and class. */
function questionEnd(query: Buffer): number {
  let offset = 12;
  while (offset < query.length && query[offset] !== 0) offset += 1 + (query[offset] ?? 0);
  return Math.min(offset + 1 + 4, query.length);
}
