import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runDependencyChecks } from '../../../../lambdas/shared/self-test/dependency-checks';
import { DeadlineError } from '../../../../lambdas/shared/self-test/failure';
import {
  awsHost,
  httpsCheck,
  secretCheck,
  secretName,
  sentryChecks,
} from '../../../../lambdas/shared/self-test/probes';
import {
  type AwsStandIn,
  awsJsonError,
  notAuthorized,
  requestedSecretId,
  secretValueAnswer,
  startAwsStandIn,
} from '../../../support/aws-wire';
import { type HungServer, startHungServer } from '../../../support/hung-server';
import { type SentryStandIn, startSentryStandIn } from '../../../support/sentry-server';

const DEADLINE_MS = 300;

interface SeenRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
}

/** An HTTP peer on 127.0.0.1 that answers every request with `status` (and `headers`), and keeps what it saw. */
async function startPeer(
  status: number,
  headers: Record<string, string> = {},
): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers });
    response.writeHead(status, headers).end('body that a HEAD never gets');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('httpsCheck: any HTTP answer proves the route', { timeout: 5_000 }, () => {
  const servers: Server[] = [];
  let hung: HungServer | undefined;

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await hung?.close();
    hung = undefined;
  });

  it('passes on any status by default, with a HEAD that carries no credential', async () => {
    // Prepare
    const peer = await startPeer(404);
    servers.push(peer.server);

    // Act
    const [result] = await runDependencyChecks(
      [httpsCheck({ dependency: 'Sentry', url: `${peer.url}/` })],
      DEADLINE_MS,
    );

    // Assess
    expect(result).toMatchObject({ ok: true, detail: 'reachable, HTTP 404' });
    expect(peer.seen).toEqual([expect.objectContaining({ method: 'HEAD', url: '/' })]);
    expect(peer.seen[0]?.headers.authorization).toBeUndefined();
  });

  it('fails a status that `accept` refuses as http, with the status as its code', async () => {
    const peer = await startPeer(503);
    servers.push(peer.server);
    const check = httpsCheck({
      dependency: 'InfluxDB',
      url: `${peer.url}/health`,
      method: 'GET',
      accept: (status) => status === 200,
    });

    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    expect(result).toMatchObject({ ok: false, failure: { kind: 'http', code: '503', message: 'HTTP 503' } });
    expect(peer.seen[0]?.method).toBe('GET');
  });

  it('does not follow a redirect: the answer of the host asked is the result', async () => {
    // Prepare
    const elsewhere = await startPeer(200);
    const peer = await startPeer(302, { location: `${elsewhere.url}/` });
    servers.push(peer.server, elsewhere.server);

    // Act
    const [result] = await runDependencyChecks(
      [httpsCheck({ dependency: 'Slack', url: peer.url })],
      DEADLINE_MS,
    );

    // Assess
    expect(result).toMatchObject({ ok: true, detail: 'reachable, HTTP 302' });
    expect(elsewhere.seen).toHaveLength(0);
  });

  it('names the host and port as its target, never a path or credential', () => {
    const check = httpsCheck({
      dependency: 'Slack',
      url: 'https://user:pw@hooks.slack.com:8443/services/T0/B0/x',
    });

    expect(check.target).toBe('hooks.slack.com:8443');
  });

  it('fails a peer that never answers as a timeout', async () => {
    hung = await startHungServer();

    const [result] = await runDependencyChecks(
      [httpsCheck({ dependency: 'InfluxDB', url: `http://127.0.0.1:${hung.port}/health` })],
      DEADLINE_MS,
    );

    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
  });

  it('abandons its request when its signal aborts (fetch rejects with the reason at once)', async () => {
    // Prepare
    hung = await startHungServer();
    const server = hung;
    const controller = new AbortController();
    const running = httpsCheck({ dependency: 'InfluxDB', url: `http://127.0.0.1:${server.port}/health` }).run(
      controller.signal,
    );
    await vi.waitFor(() => expect(server.connections).toBe(1));

    // Act
    const reason = new DeadlineError('no answer within 0.3 s');
    controller.abort(reason);

    // Assess
    await expect(running).rejects.toBe(reason);
  });
});

describe("sentryChecks: Sentry's ingest host, without sending an event", () => {
  let sentry: SentryStandIn;

  beforeAll(async () => {
    sentry = await startSentryStandIn();
  });

  afterAll(async () => {
    await sentry.close();
  });

  it('checks nothing without a DSN', () => {
    expect(sentryChecks({ SENTRY_DSN: '' })).toEqual([]);
  });

  it("reaches the DSN's host, names it without the DSN's key, and sends no event", async () => {
    // Prepare
    const checks = sentryChecks({ SENTRY_DSN: sentry.dsn });

    // Act
    const results = await runDependencyChecks(checks, DEADLINE_MS);

    // Assess
    const host = new URL(sentry.dsn).host;
    expect(results).toEqual([
      expect.objectContaining({
        dependency: 'Sentry',
        target: host,
        ok: true,
        detail: 'reachable, HTTP 200',
      }),
    ]);
    expect(JSON.stringify(results)).not.toContain('publickey');
    expect(sentry.envelopes).toHaveLength(0);
  });

  it('reports a DSN that is not a URL as a configuration failure instead of failing the whole self-test', async () => {
    // Act
    const results = await runDependencyChecks(
      sentryChecks({ SENTRY_DSN: 'publickey@o1.ingest.sentry.io/1' }),
      DEADLINE_MS,
    );

    // Assess
    expect(results).toEqual([
      expect.objectContaining({
        dependency: 'Sentry',
        ok: false,
        failure: expect.objectContaining({ kind: 'config' }),
      }),
    ]);
    expect(JSON.stringify(results)).not.toContain('publickey');
  });
});

describe('secretCheck: a secret read past the cache, through Powertools and the SDK', () => {
  const READABLE = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/metrics-token-AbC123';
  const DENIED = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-password-DeF456';
  const DELETED = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/old-token-GhI789';
  const VALUE = 'Zq8mW3vN5tY7pL2kR9sD4fG6hJ1xC0bA';
  let secretsManager: AwsStandIn;

  beforeAll(async () => {
    secretsManager = await startAwsStandIn((request) => {
      const secretId = requestedSecretId(request);
      if (secretId === READABLE) return secretValueAnswer(READABLE, VALUE);
      if (secretId === DENIED) {
        return awsJsonError(
          '1.1',
          400,
          'AccessDeniedException',
          notAuthorized('secretsmanager:GetSecretValue', DENIED),
        );
      }
      return awsJsonError(
        '1.1',
        400,
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    });
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
    }))
      vi.stubEnv(name, value);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await secretsManager.close();
  });

  it('says what `inspect` makes of the value, never the value, and names the secret by its name', async () => {
    const check = secretCheck(READABLE, (value) => `holds ${value.length} characters`);

    const [result] = await runDependencyChecks([check], 2_000);

    expect(result).toEqual(
      expect.objectContaining({
        dependency: 'Secrets Manager',
        target: 'secretsmanager.eu-west-1.amazonaws.com (signupflow/metrics-token)',
        ok: true,
        detail: 'holds 32 characters',
      }),
    );
    expect(JSON.stringify(result)).not.toContain(VALUE);
  });

  it('reads past the cache: a second check asks Secrets Manager again', async () => {
    const before = secretsManager.requests.length;

    await runDependencyChecks([secretCheck(READABLE), secretCheck(READABLE)], 2_000);

    expect(secretsManager.requests.length - before).toBe(2);
  });

  it('fails a read IAM refuses as denied', async () => {
    const [result] = await runDependencyChecks([secretCheck(DENIED)], 2_000);

    expect(result).toMatchObject({ ok: false, failure: { kind: 'denied', code: 'AccessDeniedException' } });
  });

  it('fails a secret that does not exist as missing', async () => {
    const [result] = await runDependencyChecks([secretCheck(DELETED)], 2_000);

    expect(result).toMatchObject({
      ok: false,
      failure: { kind: 'missing', code: 'ResourceNotFoundException' },
    });
  });
});

describe('names in the report', () => {
  it("gives a secret's name from its ARN, without the random suffix", () => {
    expect(
      secretName('arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/prod/slack-webhook-a1B2c3'),
    ).toBe('signupflow/prod/slack-webhook');
  });

  it("gives an AWS API's host in the function's region", () => {
    expect(awsHost('monitoring', { AWS_REGION: 'eu-central-1' })).toBe(
      'monitoring.eu-central-1.amazonaws.com',
    );
  });
});
