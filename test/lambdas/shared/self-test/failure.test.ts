import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failFastRedisClient } from '../../../../lambdas/shared/redis-client';
import { SELF_TEST_AWS_CLIENT_CONFIG } from '../../../../lambdas/shared/self-test/aws-clients';
import {
  CheckConfigError,
  classify,
  DeadlineError,
  HttpStatusError,
} from '../../../../lambdas/shared/self-test/failure';
import {
  type AwsStandIn,
  awsJsonError,
  awsQueryError,
  notAuthorized,
  startAwsStandIn,
  type WireAnswer,
} from '../../../support/aws-wire';
import { startNxdomainServer } from '../../../support/dns-stand-in';
import { closedPort, type HungServer, startHungServer } from '../../../support/hung-server';
import { type PasswordPostgres, startPasswordPostgres } from '../../../support/password-postgres';
import { TEST_POSTGRES_URL } from '../../../support/postgres';
import { type PrivateRedis, startPrivateRedis } from '../../../support/private-redis';
import { makeTestCertificates, type TestCertificates } from '../../../support/tls-certificates';

/** What `run` rejected with: the tests classify real errors, raised by the real clients. */
async function rejectionOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** The error a client socket ends with. */
function socketError(socket: net.Socket): Promise<Error> {
  return new Promise((resolve) => {
    socket.once('error', resolve);
    socket.once('secureConnect', () => resolve(new Error('unexpectedly connected')));
  });
}

/** One query over a new pg connection, ended either way. */
async function query(config: pg.ClientConfig, sql: string): Promise<void> {
  const client = new pg.Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query(sql);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const shared = new URL(TEST_POSTGRES_URL);
const sharedPostgres = { host: shared.hostname, port: Number(shared.port || 5432), user: 'postgres' };

describe('classify: Postgres errors as pg raises them', () => {
  let passwordPostgres: PasswordPostgres;

  beforeAll(async () => {
    passwordPostgres = await startPasswordPostgres();
    await passwordPostgres.admin(`CREATE ROLE self_test_user LOGIN PASSWORD 'the-right-password-7Hq'`);
  });

  afterAll(async () => {
    await passwordPostgres.stop();
  });

  it('calls a refused password auth (28P01)', async () => {
    // Prepare
    const config = {
      host: '127.0.0.1',
      port: passwordPostgres.port,
      user: 'self_test_user',
      password: 'a-wrong-password',
      database: 'postgres',
    };

    // Act
    const failure = classify(await rejectionOf(() => query(config, 'SELECT 1')));

    // Assess
    expect(failure).toMatchObject({ kind: 'auth', code: '28P01' });
    expect(failure.message).toContain('password authentication failed');
    expect(failure.message).not.toContain('a-wrong-password');
  });

  it('calls a database that does not exist missing (3D000)', async () => {
    const config = { ...sharedPostgres, database: 'signupflow_no_such_database' };

    const failure = classify(await rejectionOf(() => query(config, 'SELECT 1')));

    expect(failure).toEqual({
      kind: 'missing',
      code: '3D000',
      message: 'database "signupflow_no_such_database" does not exist',
    });
  });

  it('calls a table that does not exist missing (42P01)', async () => {
    const config = { ...sharedPostgres, database: 'postgres' };

    const failure = classify(
      await rejectionOf(() => query(config, 'SELECT 1 FROM alert_rules_never_migrated')),
    );

    expect(failure).toMatchObject({ kind: 'missing', code: '42P01' });
  });

  it('calls a missing grant denied (42501)', async () => {
    // Prepare: a role without rights on the table (SET ROLE needs no login of its own)
    const config = { ...sharedPostgres, database: 'postgres' };

    // Act
    const failure = classify(
      await rejectionOf(() => query(config, 'SET ROLE pg_monitor; SELECT 1 FROM pg_authid')),
    );

    // Assess
    expect(failure).toEqual({
      kind: 'denied',
      code: '42501',
      message: 'permission denied for table pg_authid',
    });
  });

  it('calls every address refusing (an AggregateError from pg) refused, with the first address', async () => {
    // Prepare: a host name with two addresses, neither listening; Node tries each and gives up with both errors
    const port = await closedPort();
    const twoAddresses = ((_host: string, _options: unknown, callback: (...args: unknown[]) => void) =>
      callback(null, [
        { address: '127.0.0.1', family: 4 },
        { address: '127.0.0.2', family: 4 },
      ])) as net.LookupFunction;
    class TwoAddressSocket extends net.Socket {
      override connect(...args: unknown[]): this {
        const [socketPort, host] = args as [number, string];
        return super.connect({ port: socketPort, host, lookup: twoAddresses, autoSelectFamily: true });
      }
    }
    const config = {
      host: 'postgres.signupflow.internal',
      port,
      stream: () => new TwoAddressSocket(),
    } as pg.ClientConfig;

    // Act
    const error = await rejectionOf(() => query(config, 'SELECT 1'));

    // Assess
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors).toHaveLength(2);
    expect(classify(error)).toEqual({
      kind: 'refused',
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });
});

describe('classify: Node socket errors', () => {
  it('calls a closed port refused (ECONNREFUSED)', async () => {
    const port = await closedPort();

    const failure = classify(await socketError(net.connect(port, '127.0.0.1')));

    expect(failure).toEqual({
      kind: 'refused',
      code: 'ECONNREFUSED',
      message: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('calls a connection the server resets reset (ECONNRESET), through fetch’s "fetch failed"', async () => {
    // Prepare: a server that answers every connection with a TCP RST
    const server = net.createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;

    // Act
    const error = await rejectionOf(() => fetch(`http://127.0.0.1:${port}/health`));
    server.close();

    // Assess
    expect((error as Error).message).toBe('fetch failed');
    expect(classify(error)).toMatchObject({ kind: 'reset', code: 'ECONNRESET' });
  });

  it('calls a host name that does not resolve dns (ENOTFOUND)', async () => {
    // Prepare: a resolver on 127.0.0.1 that answers NXDOMAIN, as one does for a name that does not exist
    const dns = await startNxdomainServer();

    // Act
    const error = await socketError(
      net.connect({ host: 'postgres.signupflow.internal', port: 5432, lookup: dns.lookup }),
    );
    await dns.close();

    // Assess
    expect(classify(error)).toEqual({
      kind: 'dns',
      code: 'ENOTFOUND',
      message: 'queryA ENOTFOUND postgres.signupflow.internal',
    });
  });

  it('calls a connect that does not complete in time a timeout (ETIMEDOUT, as ioredis raises it)', async () => {
    // Prepare: TLS to a server that accepts the TCP connection and never answers the handshake
    const hung = await startHungServer();
    const client = failFastRedisClient(
      { host: '127.0.0.1', port: hung.port, tls: true },
      100,
      'signupflow-self-test',
    );
    const errors: Error[] = [];
    client.on('error', (error: Error) => errors.push(error));

    // Act
    await rejectionOf(() => client.connect());
    await hung.close();

    // Assess
    expect(classify(errors[0])).toEqual({ kind: 'timeout', code: 'ETIMEDOUT', message: 'connect ETIMEDOUT' });
  });
});

describe('classify: TLS', () => {
  const rdsEndpoint = 'signupflow.c9akciq32.eu-west-1.rds.amazonaws.com';
  let certificates: TestCertificates;
  const servers: (net.Server | HttpsServer)[] = [];

  async function listening<T extends net.Server | HttpsServer>(server: T): Promise<number> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  beforeAll(async () => {
    certificates = await makeTestCertificates(rdsEndpoint);
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('calls a certificate for another name tls (ERR_TLS_CERT_ALTNAME_INVALID), as a CNAME alias meets it', async () => {
    // Prepare: a trusted certificate for the RDS endpoint, reached by an alias
    const port = await listening(tls.createServer(certificates.chain, (socket) => socket.end()));

    // Act
    const error = await socketError(
      tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'postgres.signupflow.internal',
        ca: certificates.ca.cert,
      }),
    );

    // Assess
    expect(classify(error)).toMatchObject({ kind: 'tls', code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(classify(error).message).toContain('postgres.signupflow.internal');
  });

  it('calls a chain ending in an unknown self-signed CA tls, through fetch', async () => {
    const port = await listening(
      createHttpsServer(certificates.chain, (_request, response) => response.end()),
    );

    const failure = classify(await rejectionOf(() => fetch(`https://127.0.0.1:${port}/`)));

    expect(failure).toEqual({
      kind: 'tls',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
      message: 'self-signed certificate in certificate chain',
    });
  });

  it('calls a self-signed server certificate tls', async () => {
    const port = await listening(tls.createServer(certificates.selfSigned, (socket) => socket.end()));

    const failure = classify(
      await socketError(tls.connect({ host: '127.0.0.1', port, servername: rdsEndpoint })),
    );

    expect(failure).toMatchObject({ kind: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
  });
});

describe('classify: Redis refusing the credentials or a command', () => {
  let redis: PrivateRedis;

  /** The error a fail-fast client (the probes' own) reports when it connects with `password`. */
  async function connectionError(password?: string): Promise<Error | undefined> {
    const client = failFastRedisClient(
      { host: '127.0.0.1', port: redis.port, tls: false, ...(password && { password }) },
      1_000,
      'signupflow-self-test',
    );
    let reported: Error | undefined;
    client.on('error', (error: Error) => {
      reported ??= error;
    });
    await rejectionOf(() => client.connect()); // ioredis rejects with "Connection is closed."; the event says why
    client.disconnect();
    return reported;
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const admin = new Redis(redis.port, '127.0.0.1');
    // An ElastiCache-style user whose access string leaves out PING
    await admin.call('ACL', 'SETUSER', 'signupflow', 'on', '>the-users-password-3Rb', '~*', '+get', '+hello');
    await admin.config('SET', 'requirepass', 'the-right-redis-password-9Zk');
    admin.disconnect();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('calls a wrong password auth (WRONGPASS)', async () => {
    const error = await connectionError('a-wrong-redis-password');

    const failure = classify(error);

    expect(failure).toEqual({
      kind: 'auth',
      code: 'WRONGPASS',
      message: 'WRONGPASS invalid username-password pair or user is disabled.',
    });
  });

  it('calls a missing password auth (NOAUTH)', async () => {
    const error = await connectionError();

    const failure = classify(error);

    expect(failure).toMatchObject({ kind: 'auth', code: 'NOAUTH' });
    expect(failure.message).toMatch(/^NOAUTH HELLO must be called with the client already authenticated/);
  });

  it('calls a command the user may not run denied (NOPERM), not a credentials problem', async () => {
    // Prepare
    const client = failFastRedisClient(
      {
        host: '127.0.0.1',
        port: redis.port,
        tls: false,
        username: 'signupflow',
        password: 'the-users-password-3Rb',
      },
      1_000,
      'signupflow-self-test',
    );
    client.on('error', () => undefined);

    // Act
    const error = await rejectionOf(async () => {
      await client.connect();
      await client.ping();
    });
    client.disconnect();

    // Assess
    expect(classify(error)).toEqual({
      kind: 'denied',
      code: 'NOPERM',
      message: "NOPERM this user has no permissions to run the 'ping' command",
    });
  });
});

describe('classify: AWS SDK errors, as the SDK raises them from the wire', () => {
  let standIn: AwsStandIn;
  let answer: WireAnswer;
  const aws = () => ({
    region: 'eu-west-1',
    endpoint: standIn.url,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'test-only-not-a-real-key' },
    maxAttempts: 1,
  });
  const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-password-AbC123';
  const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-test-alerts';

  beforeAll(async () => {
    standIn = await startAwsStandIn(() => answer);
  });

  afterAll(async () => {
    await standIn.close();
  });

  it('calls a Secrets Manager AccessDeniedException denied', async () => {
    // Prepare
    answer = awsJsonError(
      '1.1',
      400,
      'AccessDeniedException',
      notAuthorized('secretsmanager:GetSecretValue', SECRET_ARN),
    );

    // Act
    const error = await rejectionOf(() =>
      new SecretsManagerClient(aws()).send(new GetSecretValueCommand({ SecretId: SECRET_ARN })),
    );

    // Assess
    const failure = classify(error);
    expect(failure).toMatchObject({ kind: 'denied', code: 'AccessDeniedException' });
    // (the scrubber takes `secretsmanager:...` for a key named like a secret: the action shows as [REDACTED])
    expect(failure.message).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/\S+ is not authorized to perform: secretsmanager:/,
    );
  });

  it('calls a Secrets Manager ResourceNotFoundException missing', async () => {
    answer = awsJsonError(
      '1.1',
      400,
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );

    const error = await rejectionOf(() =>
      new SecretsManagerClient(aws()).send(new GetSecretValueCommand({ SecretId: SECRET_ARN })),
    );

    expect(classify(error)).toEqual({
      kind: 'missing',
      code: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('calls a CloudWatch AccessDeniedException (namespaced, AWS JSON 1.0) denied', async () => {
    answer = awsJsonError(
      '1.0',
      400,
      'com.amazon.coral.service#AccessDeniedException',
      notAuthorized('cloudwatch:GetMetricData', '*'),
    );

    const error = await rejectionOf(() =>
      new CloudWatchClient(aws()).send(
        new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: [] }),
      ),
    );

    expect(classify(error)).toMatchObject({ kind: 'denied', code: 'AccessDeniedException' });
  });

  it('calls an SNS AuthorizationError (the Query protocol, HTTP 403) denied', async () => {
    // Prepare
    answer = awsQueryError(403, 'AuthorizationError', notAuthorized('SNS:Publish', TOPIC_ARN));

    // Act
    const error = await rejectionOf(() =>
      new SNSClient(aws()).send(new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'self-test' })),
    );

    // Assess: the SDK raises the modeled AuthorizationErrorException for it
    expect((error as Error).name).toBe('AuthorizationErrorException');
    expect(classify(error)).toEqual({
      kind: 'denied',
      code: 'AuthorizationErrorException',
      message: notAuthorized('SNS:Publish', TOPIC_ARN),
    });
  });

  it('calls an SQS queue that does not exist missing', async () => {
    answer = awsJsonError(
      '1.0',
      400,
      'com.amazonaws.sqs#QueueDoesNotExist',
      'The specified queue does not exist.',
      {
        'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender',
      },
    );

    const error = await rejectionOf(() =>
      new SQSClient(aws()).send(
        new GetQueueAttributesCommand({
          QueueUrl: `${standIn.url}/123456789012/signupflow-test-notifier-dlq`,
        }),
      ),
    );

    expect(classify(error)).toMatchObject({ kind: 'missing', code: 'QueueDoesNotExist' });
  });

  it("calls the SDK's request timeout (throwOnRequestTimeout) a timeout", async () => {
    // Prepare: the self-test's client settings against an endpoint that accepts and never answers
    const hung: HungServer = await startHungServer();
    const client = new CloudWatchClient({
      ...aws(),
      endpoint: `http://127.0.0.1:${hung.port}`,
      requestHandler: { ...SELF_TEST_AWS_CLIENT_CONFIG.requestHandler, requestTimeout: 100 },
    });

    // Act
    const error = await rejectionOf(() =>
      client.send(
        new GetMetricDataCommand({ StartTime: new Date(0), EndTime: new Date(), MetricDataQueries: [] }),
      ),
    );
    await hung.close();

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError' });
    expect(classify(error)).toMatchObject({ kind: 'timeout', code: 'ETIMEDOUT' });
  });
});

describe("classify: the self-test's own errors", () => {
  it('calls a passed deadline a timeout', () => {
    expect(classify(new DeadlineError('no answer within 3 s'))).toEqual({
      kind: 'timeout',
      message: 'no answer within 3 s',
    });
  });

  it('calls an unaccepted HTTP status http, with the status as its code', () => {
    expect(classify(new HttpStatusError(503))).toEqual({ kind: 'http', code: '503', message: 'HTTP 503' });
  });

  it('calls an incomplete setting config', () => {
    expect(classify(new CheckConfigError('ALERT_TOPIC_ARN is not set'))).toEqual({
      kind: 'config',
      message: 'ALERT_TOPIC_ARN is not set',
    });
  });

  it('keeps a long message to one line of at most 300 characters', () => {
    const failure = classify(new Error(`first line\n${'x'.repeat(400)}`));

    expect(failure.message).not.toContain('\n');
    expect(failure.message).toHaveLength(300);
    expect(failure.message.endsWith('…')).toBe(true);
  });
});
