import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCertificates {
  /** The test CA's certificate: what NODE_EXTRA_CA_CERTS points at, as Lambda's points at Amazon's. */
  caFile: string;
  /** A server certificate for `dnsNames` only, signed by the CA, and its key. */
  certFile: string;
  keyFile: string;
  remove(): Promise<void>;
}

/**
 * A CA of the test's own and a server certificate it signed for some DNS names, made with openssl: a server
 * reached at 127.0.0.1 (an alias) presents a name the client must be told to expect, as RDS and ElastiCache
 * endpoints do behind a CNAME.
 */
export async function createCertificates(dnsNames: string[]): Promise<TestCertificates> {
  const directory = await mkdtemp(path.join(tmpdir(), 'signupflow-tls-'));
  const file = (name: string) => path.join(directory, name);
  const openssl = (...args: string[]) => run('openssl', args);
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=SignUpFlow test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${dnsNames[0]}`,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  await writeFile(
    file('server.ext'),
    `subjectAltName=${dnsNames.map((name) => `DNS:${name}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    file('server.ext'),
    '-out',
    file('server.pem'),
  );
  return {
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
