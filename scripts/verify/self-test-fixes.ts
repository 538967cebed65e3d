import type { Failure } from '../../lambdas/shared/self-test/failure';
import type { StageConfig } from '../../lib/config';

/** What a self-test line's fix needs to know of the deployed stage. */
export interface FixContext {
  config: StageConfig;
  /** The stack's outputs: the client groups' ids name the rule to add. */
  outputs: Record<string, string>;
}

/** The endpoint service of each AWS API a function reaches, by the self-test's dependency name. */
const AWS_ENDPOINTS: Record<string, string> = {
  'Secrets Manager': 'secretsmanager',
  CloudWatch: 'monitoring',
  SNS: 'sns',
  SQS: 'sqs',
};

const INTERNET = new Set(['Sentry', 'InfluxDB', 'Slack']);

/** The fix for a failed dependency of a function's self-test, in the terms of the stage's network. */
export function selfTestFix(
  functionDir: string,
  dependency: string,
  target: string,
  failure: Failure,
  context: FixContext,
): string {
  const { kind } = failure;
  if (kind === 'config')
    return `the function's settings are incomplete: ${failure.message}; deploy the current release`;
  if (functionDir === 'slack-notifier' && (kind === 'timeout' || kind === 'dns')) {
    return `the notifier runs outside the VPC and should reach ${target}: see its log, and AWS's status for the region`;
  }
  if (dependency in AWS_ENDPOINTS)
    return awsFix(AWS_ENDPOINTS[dependency] as string, target, failure, context);
  if (dependency === 'Postgres') return postgresFix(target, failure, context);
  if (dependency === 'Redis') return redisFix(target, failure, context);
  if (INTERNET.has(dependency)) return internetFix(dependency, target, failure, context);
  return `see the ${functionDir} function's log for ${dependency}`;
}

function awsFix(endpoint: string, host: string, failure: Failure, { config }: FixContext): string {
  const { network } = config;
  switch (failure.kind) {
    case 'timeout':
    case 'refused':
    case 'reset':
      if (network.source === 'sandbox') {
        return `no route to ${host}: the sandbox's NAT instance does not forward; read its system log in EC2 (its first boot installs iptables), and if it never did, destroy the sandbox and deploy it again (CloudFormation does not replace an instance deleted by hand)`;
      }
      if (network.egress === 'nat') {
        return `no route to ${host}: the private subnets (${network.privateSubnetIds.join(', ')}) need a route 0.0.0.0/0 to a NAT, or use network.egress 'endpoints' for the \`${endpoint}\` endpoint`;
      }
      if (network.existingEndpoints?.includes(endpoint as never)) {
        return `no answer from ${host}: the VPC's own \`${endpoint}\` endpoint must let the HttpsClients group in on 443 (its id is in the stack's outputs), or leave it out of network.existingEndpoints so that the stack creates one`;
      }
      return `no answer from ${host}: the stack's \`${endpoint}\` endpoint should serve it; deploy the current stack, and check that the endpoint is Available with private DNS`;
    case 'dns':
      return `the VPC does not resolve ${host}: turn on enableDnsSupport and enableDnsHostnames of ${network.source === 'existing' ? network.vpcId : 'the VPC'}`;
    case 'denied':
      return /kms/i.test(failure.message)
        ? `the secret's customer-managed key refused to decrypt it: name the key in the stage's ...SecretKeyArn setting of that secret (npm run verify -- --stage NAME --preflight says which)`
        : `the function's role may not call it (${failure.code ?? 'AccessDenied'}): deploy the current stack, whose grants allow it`;
    case 'missing':
      return `${failure.code ?? 'not found'}: the resource it names is gone (a secret deleted outside the stack?): deploy again, or restore it`;
    default:
      return `see the function's log; ${failure.message}`;
  }
}

function postgresFix(target: string, failure: Failure, { config, outputs }: FixContext): string {
  const { database } = config;
  const group =
    outputs.PostgresClientsSecurityGroupId ??
    'the PostgresClients group (stack output PostgresClientsSecurityGroupId)';
  switch (failure.kind) {
    case 'timeout':
      return database.source === 'existing' && !database.securityGroupId
        ? `no answer from ${target}: the database's security group must let ${group} in on ${database.port} (or name it in database.securityGroupId and deploy), and the subnets must route to it`
        : `no answer from ${target}: check that the database is available and that its security group still lets ${group} in`;
    case 'refused':
      return `nothing listens on ${target}: check database.host and database.port`;
    case 'dns':
      return `${target} does not resolve from the VPC: check database.host (the endpoint RDS shows)`;
    case 'tls':
      return database.source === 'existing'
        ? `the server's certificate does not match (${failure.code}): when database.host is an alias, set database.tlsServerName to the name on the certificate (the RDS endpoint)`
        : `the server's certificate does not verify (${failure.code})`;
    case 'auth':
      return `Postgres refused the login: the schema migration sets the role's password from its secret at each deploy; deploy again, or correct the secret (database.passwordSecretArn)`;
    case 'denied':
      return `the role lacks a grant: the schema migration grants it at each deploy; deploy again and read the schema migrator's log`;
    case 'missing':
      return `the schema is not there (${failure.code}): the deploy's schema migration did not run or failed; read the schema migrator's log and deploy again`;
    default:
      return `see the function's log; ${failure.message}`;
  }
}

function redisFix(target: string, failure: Failure, { config, outputs }: FixContext): string {
  const { redis } = config;
  const group =
    outputs.RedisClientsSecurityGroupId ??
    'the RedisClients group (stack output RedisClientsSecurityGroupId)';
  switch (failure.kind) {
    case 'timeout':
      return redis.source === 'existing' && !redis.securityGroupId
        ? `no answer from ${target}: Redis's security group must let ${group} in on ${redis.port} (or name it in redis.securityGroupId and deploy); with TLS on the server, redis.tls must be true`
        : `no answer from ${target}: check that Redis is available, that its security group lets ${group} in, and redis.tls`;
    case 'refused':
      return `nothing listens on ${target}: check redis.host and redis.port`;
    case 'dns':
      return `${target} does not resolve from the VPC: check redis.host (the primary endpoint ElastiCache shows)`;
    case 'tls':
      return `the server's certificate does not match (${failure.code}): when redis.host is an alias, set redis.tlsServerName to the ElastiCache endpoint name`;
    case 'reset':
      return `${target} closed the connection: with encryption in transit on the server, redis.tls must be true`;
    case 'denied':
      return `the Redis user may not run what the functions need (${failure.code ?? 'NOPERM'}): its access string must allow PING, GET and SET on the snapshot keys (for example \`on ~* +ping +get +set\`)`;
    case 'auth':
      return redis.source === 'existing' && redis.authSecretArn
        ? `Redis refused the AUTH user or password (${failure.code}): correct the secret redis.authSecretArn`
        : `Redis asks for AUTH (${failure.code}): put the user and password in a secret and name it in redis.authSecretArn`;
    default:
      return `see the function's log; ${failure.message}`;
  }
}

function internetFix(dependency: string, target: string, failure: Failure, { config }: FixContext): string {
  const setting =
    dependency === 'Sentry' ? 'sentry.dsn' : dependency === 'InfluxDB' ? 'influxdb.url' : 'the webhook';
  if (failure.kind === 'http') return `${target} answered HTTP ${failure.code}: check ${setting}`;
  if (config.network.source === 'existing' && config.network.egress === 'endpoints') {
    return `no route to ${target}: network.egress 'endpoints' gives no internet; use 'nat'${dependency === 'InfluxDB' ? ', or an InfluxDB inside the VPC' : ''}`;
  }
  if (failure.kind === 'timeout' || failure.kind === 'dns') {
    return `no route to ${target}: the private subnets' NAT route, or a firewall on the way; check ${setting}`;
  }
  return `${target}: ${failure.message}; check ${setting}`;
}
