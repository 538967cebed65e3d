import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { secretsProvider } from '../../../../lambdas/shared/secrets';
import {
  type DependencyCheck,
  runDependencyChecks,
} from '../../../../lambdas/shared/self-test/dependency-checks';
import { DeadlineError } from '../../../../lambdas/shared/self-test/failure';
import { postgresCheck } from '../../../../lambdas/shared/self-test/postgres-probe';
import { httpsCheck, secretCheck } from '../../../../lambdas/shared/self-test/probes';
import { redisCheck } from '../../../../lambdas/shared/self-test/redis-probe';
import { SECRETS } from '../../../fixtures/secrets';
import { closedPort, type HungServer, startHungServer } from '../../../support/hung-server';

const DEADLINE_MS = 200;
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-password-AbC123';

/** A check that fails with `message`, as a driver's error would carry it. */
function failingWith(message: string): DependencyCheck {
  return {
    dependency: 'Postgres',
    target: 'db.internal:5432/signupflow',
    run: () => Promise.reject(new Error(message)),
  };
}

describe('runDependencyChecks: every check at once, each under its own deadline', { timeout: 5_000 }, () => {
  let hungPostgres: HungServer;
  let hungSecretsManager: HungServer;

  beforeAll(async () => {
    hungPostgres = await startHungServer();
    hungSecretsManager = await startHungServer();
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${hungSecretsManager.port}`,
    }))
      vi.stubEnv(name, value);
    await secretsProvider(); // loaded before the clock runs: the check's time is the request's, not the import's
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await hungPostgres.close();
    await hungSecretsManager.close();
  });

  it('fails a hung check as a timeout at its deadline while the others finish with their own results', async () => {
    // Prepare: a Postgres that accepts and never answers, the real Redis, and a port where nothing listens
    const refusedPort = await closedPort();
    const checks = [
      postgresCheck({
        target: `127.0.0.1:${hungPostgres.port}/signupflow`,
        settings: async () => ({ host: '127.0.0.1', port: hungPostgres.port, user: 'postgres' }),
        sql: 'SELECT 1',
        describe: () => 'answers',
      }),
      redisCheck({
        target: '127.0.0.1:6379',
        settings: async () => ({ host: '127.0.0.1', port: 6379, tls: false }),
        timeoutMs: DEADLINE_MS,
      }),
      httpsCheck({ dependency: 'Sentry', url: `http://127.0.0.1:${refusedPort}/` }),
    ];

    // Act
    const startedAt = performance.now();
    const results = await runDependencyChecks(checks, DEADLINE_MS);
    const tookMs = performance.now() - startedAt;

    // Assess
    const [postgres, redis, sentry] = results;
    expect(postgres).toMatchObject({
      dependency: 'Postgres',
      ok: false,
      failure: { kind: 'timeout', message: 'no answer within 0.2 s' },
    });
    expect(postgres?.ms).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
    expect(redis).toMatchObject({ dependency: 'Redis', ok: true, detail: 'PING answered PONG' });
    expect(redis?.ms).toBeLessThan(DEADLINE_MS);
    expect(sentry).toMatchObject({
      dependency: 'Sentry',
      ok: false,
      failure: { kind: 'refused', code: 'ECONNREFUSED' },
    });
    expect(tookMs).toBeLessThan(DEADLINE_MS + 1_000);
  });

  it('runs the checks at once: three hung checks take one deadline, not three', async () => {
    // Prepare
    const hung = (dependency: string): DependencyCheck => ({
      dependency,
      target: 'nowhere',
      run: () => new Promise(() => undefined),
    });

    // Act
    const startedAt = performance.now();
    const results = await runDependencyChecks([hung('Redis'), hung('SNS'), hung('InfluxDB')], DEADLINE_MS);
    const tookMs = performance.now() - startedAt;

    // Assess
    expect(results.map((result) => result.failure?.kind)).toEqual(['timeout', 'timeout', 'timeout']);
    expect(tookMs).toBeLessThan(2 * DEADLINE_MS);
  });

  it('gives up a check that ignores its abort signal at the deadline (a secret read through Powertools)', async () => {
    // Prepare: Secrets Manager accepts and never answers; the SDK's request timeout there only warns
    const check = secretCheck(SECRET_ARN);

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(hungSecretsManager.connections).toBeGreaterThan(0);
    expect(result).toMatchObject({
      dependency: 'Secrets Manager',
      target: 'secretsmanager.eu-west-1.amazonaws.com (signupflow/db-password)',
      ok: false,
      failure: { kind: 'timeout' },
    });
    expect(result?.ms).toBeLessThan(DEADLINE_MS + 1_000);
  });

  it("aborts the check's signal at the deadline, with the deadline as its reason", async () => {
    // Prepare
    let signalSeen: AbortSignal | undefined;
    const check: DependencyCheck = {
      dependency: 'InfluxDB',
      target: 'influxdb.internal:8086',
      run: (signal) => {
        signalSeen = signal;
        return new Promise(() => undefined);
      },
    };

    // Act
    await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(signalSeen?.aborted).toBe(true);
    expect(signalSeen?.reason).toBeInstanceOf(DeadlineError);
  });

  it('reports a check that throws before it awaits anything as its failure, not as a crash of the run', async () => {
    const check: DependencyCheck = {
      dependency: 'CloudWatch',
      target: 'monitoring.eu-west-1.amazonaws.com',
      run: () => {
        throw new Error('thrown synchronously');
      },
    };

    const results = await runDependencyChecks([check], DEADLINE_MS);

    expect(results).toEqual([
      expect.objectContaining({ ok: false, failure: { kind: 'other', message: 'thrown synchronously' } }),
    ]);
  });
});

describe('runDependencyChecks: no secret in the report', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("scrubs secret-looking text from a check's error message", async () => {
    // Prepare
    const check = failingWith(
      `login failed with password=${SECRETS.password} (Authorization: Bearer ${SECRETS.bearerToken}); webhook ${SECRETS.slackWebhookUrl}`,
    );

    // Act
    const report = JSON.stringify(await runDependencyChecks([check], DEADLINE_MS));

    // Assess
    expect(report).toContain('login failed with password=[REDACTED]');
    for (const secret of [SECRETS.password, SECRETS.bearerToken, SECRETS.slackWebhookUrl]) {
      expect(report).not.toContain(secret);
    }
  });

  it("scrubs secret-looking text from a check's answer", async () => {
    const check: DependencyCheck = {
      dependency: 'Slack',
      target: 'hooks.slack.com',
      run: async () => `posted to ${SECRETS.slackWebhookUrl}`,
    };

    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    expect(result).toMatchObject({ ok: true, detail: 'posted to [REDACTED]' });
  });

  it('scrubs a long message before cutting it, so that no first characters of a secret are left', async () => {
    // Prepare: a connection URL whose password straddles the 300-character cut
    const url = `postgres://signupflow_monitoring:${SECRETS.password}@db.internal:5432/signupflow`;
    const context = `could not connect to ${'the database of the stage '.repeat(20)}`.slice(0, 255);
    const check = failingWith(`${context} at ${url}`);

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(result?.failure?.message.length).toBeLessThanOrEqual(300);
    expect(result?.failure?.message).not.toContain(SECRETS.password.slice(0, 4));
  });
});
