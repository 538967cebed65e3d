import { describe, expect, it } from 'vitest';
import type { FailureKind } from '../../../lambdas/shared/self-test/failure';
import { loadStageConfig, type StageConfig } from '../../../lib/config';
import { selfTestFix } from '../../../scripts/verify/self-test-fixes';

const dev = loadStageConfig('dev');
const sandbox = loadStageConfig('sandbox');
if (
  dev.network.source !== 'existing' ||
  dev.database.source !== 'existing' ||
  dev.redis.source !== 'existing'
) {
  throw new Error('dev names an existing network and data stores');
}
const endpoints: StageConfig = { ...dev, network: { ...dev.network, egress: 'endpoints' } };
const noGroups: StageConfig = {
  ...dev,
  database: { ...dev.database, securityGroupId: undefined },
  redis: { ...dev.redis, securityGroupId: undefined },
};
const OUTPUTS = {
  PostgresClientsSecurityGroupId: 'sg-0postgresclients',
  RedisClientsSecurityGroupId: 'sg-0redisclients',
};

const fix = (
  config: StageConfig,
  functionDir: string,
  dependency: string,
  kind: FailureKind,
  code?: string,
) =>
  selfTestFix(
    functionDir,
    dependency,
    'target',
    { kind, ...(code && { code }), message: 'm' },
    { config, outputs: OUTPUTS },
  );

/** The fix under a failed self-test line speaks of the stage's own network: what to add, and where. */
describe("a self-test failure's fix", () => {
  it.each([
    [
      dev,
      /private subnets \(subnet-0d1a2b3c4d5e6f708, subnet-0d2b3c4d5e6f70819\) need a route 0\.0\.0\.0\/0 to a NAT, or use network\.egress 'endpoints' for the `monitoring` endpoint/,
    ],
    [endpoints, /the stack's `monitoring` endpoint should serve it/],
    [sandbox, /the sandbox's NAT instance does not forward/],
  ])('names the route to CloudWatch each network mode lacks (%#)', (config, expected) => {
    expect(fix(config, 'alert-evaluator', 'CloudWatch', 'timeout')).toMatch(expected);
  });

  it('names the client group the database must let in, when the stage does not name its group', () => {
    expect(fix(noGroups, 'api', 'Postgres', 'timeout')).toMatch(
      /the database's security group must let sg-0postgresclients in on 5432 \(or name it in database\.securityGroupId/,
    );
    expect(fix(noGroups, 'health', 'Redis', 'timeout')).toMatch(
      /Redis's security group must let sg-0redisclients in on 6379/,
    );
  });

  it('points a certificate that does not match at tlsServerName', () => {
    expect(fix(dev, 'api', 'Postgres', 'tls', 'ERR_TLS_CERT_ALTNAME_INVALID')).toMatch(
      /set database\.tlsServerName/,
    );
    expect(fix(dev, 'health', 'Redis', 'tls', 'ERR_TLS_CERT_ALTNAME_INVALID')).toMatch(
      /set redis\.tlsServerName/,
    );
  });

  it("names the Redis user's access string when it may not PING", () => {
    expect(fix(dev, 'health', 'Redis', 'denied', 'NOPERM')).toMatch(
      /its access string must allow PING, GET and SET/,
    );
  });

  it('asks for redis.authSecretArn when Redis wants AUTH and the stage gives none', () => {
    expect(fix(dev, 'health', 'Redis', 'auth', 'NOAUTH')).toMatch(
      /put the user and password in a secret and name it in redis\.authSecretArn/,
    );
  });

  it('sends a missing schema and a refused password back to the deploy that sets them', () => {
    expect(fix(dev, 'api', 'Postgres', 'missing', '42P01')).toMatch(
      /the deploy's schema migration did not run or failed/,
    );
    expect(fix(dev, 'api', 'Postgres', 'auth', '28P01')).toMatch(
      /sets the role's password from its secret at each deploy/,
    );
  });

  it("says that endpoints give no internet for Sentry, and that the VPC's DNS must resolve the AWS hosts", () => {
    expect(fix(endpoints, 'api', 'Sentry', 'timeout')).toMatch(
      /network\.egress 'endpoints' gives no internet; use 'nat'/,
    );
    expect(fix(endpoints, 'api', 'Secrets Manager', 'dns')).toMatch(
      /turn on enableDnsSupport and enableDnsHostnames of vpc-0d1e2f3a4b5c6d7e8/,
    );
  });
});

describe('a denied decrypt', () => {
  it("points at the secret's key setting, not at the role's grants", () => {
    // Act
    const fix = selfTestFix(
      'api',
      'Secrets Manager',
      'secretsmanager.eu-west-1.amazonaws.com',
      { kind: 'denied', code: 'AccessDeniedException', message: 'Access to KMS is not allowed' },
      { config: loadStageConfig('dev'), outputs: {} },
    );

    // Assess
    expect(fix).toMatch(
      /customer-managed key refused to decrypt it: name the key in the stage's \.\.\.SecretKeyArn setting/,
    );
  });
});
