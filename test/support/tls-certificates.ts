import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyAndCertificate {
  key: string;
  cert: string;
}

export interface TestCertificates {
  /** A private CA (self-signed) that no client trusts unless told to. */
  ca: KeyAndCertificate;
  /** A leaf signed by `ca` for the server names; `cert` holds the leaf and then the CA, as a server sends a chain. */
  chain: KeyAndCertificate & { serverName: string };
  /** A self-signed leaf for `serverName`, with no CA behind it. */
  selfSigned: KeyAndCertificate & { serverName: string };
}

/**
 * Real certificates made with the machine's `openssl` for this run only (P-256 keys, valid one day), in a
 * temporary directory removed again: nothing secret is kept in the repository.
 */
export async function makeTestCertificates(names: string | string[]): Promise<TestCertificates> {
  const [serverName = 'localhost', ...others] = [names].flat();
  const subjectAltName = [serverName, ...others].map((name) => `DNS:${name}`).join(',');
  const directory = await mkdtemp(path.join(tmpdir(), 'signupflow-tls-'));
  const file = (name: string) => path.join(directory, name);
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  try {
    await run('openssl', [
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=SignUpFlow test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign',
    ]);
    await run('openssl', [
      'req',
      '-new',
      ...newKey,
      '-keyout',
      file('leaf.key'),
      '-out',
      file('leaf.csr'),
      '-subj',
      `/CN=${serverName}`,
    ]);
    await writeFile(file('leaf.ext'), `subjectAltName=${subjectAltName}\n`);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      file('leaf.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('leaf.crt'),
      '-days',
      '1',
      '-extfile',
      file('leaf.ext'),
    ]);
    await run('openssl', [
      'req',
      '-x509',
      ...newKey,
      '-keyout',
      file('self.key'),
      '-out',
      file('self.crt'),
      '-days',
      '1',
      '-subj',
      `/CN=${serverName}`,
      '-addext',
      `subjectAltName=DNS:${serverName}`,
    ]);
    const read = (name: string) => readFile(file(name), 'utf8');
    const ca = { key: await read('ca.key'), cert: await read('ca.crt') };
    return {
      ca,
      chain: { key: await read('leaf.key'), cert: `${await read('leaf.crt')}${ca.cert}`, serverName },
      selfSigned: { key: await read('self.key'), cert: await read('self.crt'), serverName },
    };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export interface CertificateFiles {
  /** The CA, for NODE_EXTRA_CA_CERTS (as Lambda's points at Amazon's). */
  caFile: string;
  /** The chain and key a server (Postgres, redis-server) is started with. */
  certFile: string;
  keyFile: string;
  remove(): Promise<void>;
}

/** The CA and the chain written to files, for servers and for a Node started with NODE_EXTRA_CA_CERTS. */
export async function writeCertificateFiles(certificates: TestCertificates): Promise<CertificateFiles> {
  const directory = await mkdtemp(path.join(tmpdir(), 'signupflow-tls-files-'));
  const file = (name: string) => path.join(directory, name);
  await writeFile(file('ca.pem'), certificates.ca.cert);
  await writeFile(file('server.pem'), certificates.chain.cert);
  await writeFile(file('server.key'), certificates.chain.key, { mode: 0o600 });
  return {
    caFile: file('ca.pem'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    remove: () => rm(directory, { recursive: true, force: true }),
  };
}
