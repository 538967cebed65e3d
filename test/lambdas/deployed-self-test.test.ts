import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DependencyResult } from '../../lambdas/shared/self-test/dependency-checks';
import { MIGRATIONS_DIR } from '../../scripts/migrations';
import { buildTaskRoot, invokeInFreshNode } from '../support/deployed-bundle';
import { httpApiEvent, lambdaContext } from '../support/lambda-events';
import { type PasswordPostgres, startPasswordPostgres } from '../support/password-postgres';
import { type PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { type SecretsManagerServer, startSecretsManagerServer } from '../support/secrets-manager-server';
import {
  type CertificateFiles,
  makeTestCertificates,
  writeCertificateFiles,
} from '../support/tls-certificates';

const DB_NAME = 'db.signupflow.test';
const CACHE_NAME = 'cache.signupflow.test';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:';
const ADMIN_SECRET = `${ARN}signupflow/admin-AbC123`;
const ROLE_SECRET = `${ARN}signupflow/monitor-DeF456`;
const REDIS_SECRET = `${ARN}signupflow/redis-auth-GhI789`;
const ROLE_PASSWORD = 'monitor-only-in-this-test-2Wx8';
const REDIS_PASSWORD = 'redis-only-in-this-test-6Tz1';

type Report = { selfTest: { function: string; checks: DependencyResult[] } };

/**
 * The deployed bundles in a fresh Node, as Lambda runs them, against data stores that behave as RDS and
 * ElastiCache do: TLS with a certificate for the endpoint's name while the host is an alias (127.0.0.1), a
 * Postgres that checks passwords, a Redis whose default user is off (an AUTH user and password), and Secrets
 * Manager over HTTP. The CA is trusted the way Lambda trusts RDS's: NODE_EXTRA_CA_CERTS.
 */
describe('the deployed functions against TLS data stores reached by an alias', () => {
  let certificates: CertificateFiles;
  let postgres: PasswordPostgres;
  let redis: PrivateRedis;
  let secrets: SecretsManagerServer;
  const taskRoots: Record<string, string> = {};

  const environment = (overrides: Record<string, string | undefined> = {}): Record<string, string> => {
    const env: Record<string, string | undefined> = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      NODE_EXTRA_CA_CERTS: certificates.caFile,
      POWERTOOLS_SERVICE_NAME: 'signupflow',
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      METRICS_FLUSH_INTERVAL_SECONDS: '0',
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(postgres.port),
      DATABASE_NAME: 'signupflow',
      DATABASE_USER: 'signupflow_monitor',
      DATABASE_PASSWORD_SECRET_ARN: ROLE_SECRET,
      DATABASE_TLS_SERVER_NAME: DB_NAME,
      DATABASE_ADMIN_SECRET_ARN: ADMIN_SECRET,
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: String(redis.port),
      REDIS_TLS: 'true',
      REDIS_TLS_SERVER_NAME: CACHE_NAME,
      REDIS_AUTH_SECRET_ARN: REDIS_SECRET,
      ...overrides,
    };
    return Object.fromEntries(
      Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
  };

  const selfTest = async (folder: string, overrides: Record<string, string | undefined> = {}) => {
    const { response } = await invokeInFreshNode(
      taskRoots[folder] as string,
      { selfTest: {} },
      lambdaContext(`signupflow-test-${folder}`),
      environment(overrides),
      { exit: true },
    );
    return (response as unknown as Report).selfTest.checks;
  };

  beforeAll(async () => {
    certificates = await writeCertificateFiles(await makeTestCertificates([DB_NAME, CACHE_NAME]));
    postgres = await startPasswordPostgres({ tls: certificates });
    await postgres.admin("CREATE ROLE signupflow_admin LOGIN CREATEROLE PASSWORD 'admin-only-in-this-test'");
    await postgres.admin('CREATE DATABASE signupflow OWNER signupflow_admin');
    redis = await startPrivateRedis({
      tls: certificates,
      users: [{ name: 'signupflow', password: REDIS_PASSWORD }],
    });
    secrets = await startSecretsManagerServer({
      [ADMIN_SECRET]: JSON.stringify({ username: 'signupflow_admin', password: 'admin-only-in-this-test' }),
      [ROLE_SECRET]: JSON.stringify({ username: 'signupflow_monitor', password: ROLE_PASSWORD }),
      [REDIS_SECRET]: JSON.stringify({ username: 'signupflow', password: REDIS_PASSWORD }),
    });
    for (const folder of ['schema-migrator', 'health', 'api'])
      taskRoots[folder] = await buildTaskRoot(folder);
    cpSync(MIGRATIONS_DIR, path.join(taskRoots['schema-migrator'] as string, 'migrations'), {
      recursive: true,
    });
  }, 60_000);

  afterAll(async () => {
    for (const root of Object.values(taskRoots)) rmSync(root, { recursive: true, force: true });
    await secrets?.close();
    await redis?.stop();
    await postgres?.stop();
    await certificates?.remove();
  });

  it('migrates over verified TLS to the alias, checking the certificate against the endpoint name', async () => {
    // Act
    const { response } = await invokeInFreshNode(
      taskRoots['schema-migrator'] as string,
      { RequestType: 'Create', ResourceProperties: {} },
      lambdaContext('signupflow-test-schema-migrator'),
      environment(),
    );

    // Assess
    expect(response).toMatchObject({
      PhysicalResourceId: 'signupflow-schema',
      Data: { Role: 'signupflow_monitor' },
    });
  });

  it('reaches every dependency of the health function from its self-test: secrets, Postgres as the role, Redis with AUTH', async () => {
    // Act
    const checks = await selfTest('health');

    // Assess
    expect(checks.map(({ dependency, ok, failure }) => ({ dependency, ok, failure }))).toEqual([
      { dependency: 'Secrets Manager', ok: true, failure: undefined },
      { dependency: 'Postgres', ok: true, failure: undefined },
      { dependency: 'Secrets Manager', ok: true, failure: undefined },
      { dependency: 'Redis', ok: true, failure: undefined },
    ]);
    expect(checks[1]?.target).toBe(`127.0.0.1:${postgres.port}/signupflow`);
  });

  it('answers /health healthy over the same TLS and AUTH, as the load balancer asks it', async () => {
    // Act
    const { response } = await invokeInFreshNode(
      taskRoots.health as string,
      httpApiEvent('GET /health'),
      lambdaContext('signupflow-test-health'),
      environment(),
      { exit: true },
    );

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toMatchObject({ status: 'healthy' });
  });

  it('fails Postgres and Redis as TLS failures, naming the certificate error, when told no endpoint name', async () => {
    // Act
    const checks = await selfTest('health', {
      DATABASE_TLS_SERVER_NAME: undefined,
      REDIS_TLS_SERVER_NAME: undefined,
    });

    // Assess
    const failed = checks.filter((check) => !check.ok);
    expect(
      failed.map(({ dependency, failure }) => ({ dependency, kind: failure?.kind, code: failure?.code })),
    ).toEqual([
      { dependency: 'Postgres', kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      { dependency: 'Redis', kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    ]);
  });

  it('fails Redis as refused credentials when the function has no AUTH secret', async () => {
    // Act
    const checks = await selfTest('health', { REDIS_AUTH_SECRET_ARN: undefined });

    // Assess
    const redisCheck = checks.find((check) => check.dependency === 'Redis');
    expect(redisCheck).toMatchObject({ ok: false, failure: { kind: 'auth', code: 'NOAUTH' } });
  });

  it('reads events as the role from the API function', async () => {
    // Act
    const checks = await selfTest('api');

    // Assess
    expect(checks.map(({ dependency, ok, detail }) => ({ dependency, ok, detail }))).toEqual([
      { dependency: 'Secrets Manager', ok: true, detail: 'readable' },
      { dependency: 'Postgres', ok: true, detail: 'reads events' },
    ]);
  });

  it('gives up on a Secrets Manager that accepts and never answers within the check deadline, and says so', async () => {
    // Prepare
    secrets.hang();
    const startedAt = Date.now();

    // Act
    const checks = await selfTest('api');

    // Assess: the shortest function timeout is 5 s (the exporter); a cold Node start is in the figure
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(checks.map(({ dependency, failure }) => ({ dependency, kind: failure?.kind }))).toEqual([
      { dependency: 'Secrets Manager', kind: 'timeout' },
      { dependency: 'Postgres', kind: 'timeout' },
    ]);
  });
});
