import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { closeExporter, handler } from '../../../lambdas/metrics-exporter/handler';
import { snapshotKey } from '../../../lambdas/shared/metrics-snapshot';
import { realisticSnapshot } from '../../fixtures/metrics-snapshot';
import { startDelayingProxy } from '../../support/delaying-proxy';
import { startErrorRedis } from '../../support/error-redis';
import { closedPort, type HungServer, startHungServer } from '../../support/hung-server';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { promtoolCheckMetrics } from '../../support/promtool';

const SERVICE = 'signupflow-test';
const STAGE = `metrics-exporter-${process.pid}`;
const KEY = snapshotKey(SERVICE, STAGE);
const TOKEN = 'Zq8mW3vN5tY7pL2kR9sD4fG6hJ1xC0bA5eT8uI3oP7aS2dF4';
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/metrics-token-AbC123';
const BROKEN_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/unreadable-XyZ789';
const secretsManager = mockClient(SecretsManagerClient);

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

async function scrape(
  headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
): Promise<Answer> {
  return (await handler(
    httpApiEvent('GET /metrics', { headers }),
    lambdaContext('metrics-exporter'),
  )) as Answer;
}

describe('GET /metrics in AWS: the Redis snapshot behind a bearer token', () => {
  let redis: Redis;
  let output: CapturedOutput;

  beforeAll(() => {
    redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: SECRET_ARN })
      .resolves({ ARN: SECRET_ARN, SecretString: TOKEN });
    secretsManager
      .on(GetSecretValueCommand, { SecretId: BROKEN_SECRET_ARN })
      .rejects(new Error('AccessDeniedException'));
  });

  beforeEach(() => {
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      POWERTOOLS_SERVICE_NAME: SERVICE,
      POWERTOOLS_METRICS_DISABLED: 'true',
      STAGE,
      REDIS_URL: 'redis://127.0.0.1:6379',
      METRICS_TOKEN_SECRET_ARN: SECRET_ARN,
      METRICS_REDIS_TIMEOUT_MS: '300',
    }))
      vi.stubEnv(name, value);
    output = captureOutput();
  });

  afterEach(async () => {
    output.restore();
    closeExporter();
    vi.unstubAllEnvs();
    await redis.del(KEY);
  });

  afterAll(async () => {
    secretsManager.restore();
    await redis.quit();
  });

  it('renders a fresh snapshot in Prometheus text format 0.0.4 that promtool accepts', async () => {
    // Prepare
    await redis.set(KEY, JSON.stringify(realisticSnapshot(new Date(Date.now() - 30_000))));

    // Act
    const answer = await scrape();
    const verdict = await promtoolCheckMetrics(answer.body);

    // Assess
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toContain(
      'http_requests_total{endpoint="/api/events",method="GET",status_code="200"} 1000\n',
    );
    expect(answer.body).toContain('http_request_duration_seconds_count{endpoint="/metrics"} 4000\n');
    expect(verdict).toEqual({ exitCode: 0, output: '' });
  });

  it.each([
    ['no Authorization header', {}, 'Bearer realm="metrics"'],
    ['another scheme', { authorization: `Basic ${TOKEN}` }, 'Bearer realm="metrics"'],
    [
      'a wrong token',
      { authorization: `Bearer ${TOKEN.slice(1)}x` },
      'Bearer realm="metrics", error="invalid_token"',
    ],
  ])(
    'answers 401 with WWW-Authenticate to %s, and reveals nothing about the snapshot',
    async (_case, headers, challenge) => {
      // Prepare
      await redis.set(KEY, JSON.stringify(realisticSnapshot()));

      // Act
      const answer = await scrape(headers);

      // Assess
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['www-authenticate']).toBe(challenge);
      expect(answer.body).toBe('Unauthorized\n');
      expect(output.text()).not.toContain(TOKEN);
    },
  );

  it('answers 400 naming the header when Authorization is longer than the bound', async () => {
    // Act
    const answer = await scrape({ authorization: `Bearer ${'x'.repeat(2_000)}` });

    // Assess
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toBe('The Authorization header is longer than 1024 characters\n');
  });

  it('answers 503 when the snapshot is missing: the export has not run', async () => {
    // Act
    const answer = await scrape();

    // Assess
    expect(answer).toMatchObject({
      statusCode: 503,
      body: 'metrics snapshot missing: the export has not run yet\n',
    });
  });

  it('answers 503 with its age when the snapshot is older than three minutes', async () => {
    // Prepare
    await redis.set(KEY, JSON.stringify(realisticSnapshot(new Date(Date.now() - 200_000))));

    // Act
    const answer = await scrape();

    // Assess
    expect(answer.statusCode).toBe(503);
    expect(answer.body).toMatch(/^metrics snapshot stale: written 20\d s ago \(more than 180 s\)\n$/);
  });

  it('serves a snapshot refreshed every five minutes until it is two minutes late, then calls it stale', async () => {
    // Prepare
    const writtenAgo = async (seconds: number) =>
      redis.set(
        KEY,
        JSON.stringify({ ...realisticSnapshot(new Date(Date.now() - seconds * 1_000)), refreshSeconds: 300 }),
      );

    // Act
    await writtenAgo(400);
    const due = await scrape();
    await writtenAgo(430);
    const late = await scrape();

    // Assess
    expect(due.statusCode).toBe(200);
    expect(late.statusCode).toBe(503);
    expect(late.body).toMatch(/^metrics snapshot stale: written 43\d s ago \(more than 420 s\)\n$/);
  });

  it('answers 503 when the snapshot is unparsable, and logs why', async () => {
    // Prepare
    await redis.set(KEY, JSON.stringify({ ...realisticSnapshot(), version: 7 }));

    // Act
    const answer = await scrape();

    // Assess
    expect(answer).toMatchObject({ statusCode: 503, body: 'metrics snapshot unparsable\n' });
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        message: 'The metrics snapshot is unparsable',
        reason: expect.stringContaining('version'),
      }),
    );
  });

  it('answers 503 when the token secret cannot be read, even with a fresh snapshot', async () => {
    // Prepare
    vi.stubEnv('METRICS_TOKEN_SECRET_ARN', BROKEN_SECRET_ARN);
    await redis.set(KEY, JSON.stringify(realisticSnapshot()));

    // Act
    const answer = await scrape();

    // Assess
    expect(answer).toMatchObject({ statusCode: 503, body: 'metrics token unavailable\n' });
  });

  describe('when Redis fails', () => {
    let hung: HungServer | undefined;

    afterEach(async () => {
      await hung?.close();
      hung = undefined;
    });

    it('answers 503 at once when nothing listens', async () => {
      // Prepare
      vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${await closedPort()}`);

      // Act
      const startedAt = performance.now();
      const answer = await scrape();
      const elapsedMs = performance.now() - startedAt;

      // Assess
      expect(answer).toMatchObject({ statusCode: 503, body: 'metrics store unavailable\n' });
      expect(elapsedMs).toBeLessThan(2_000);
    });

    it('answers 503 at once when Redis answers every command with an error (at its client limit)', async () => {
      // Prepare
      const refusing = await startErrorRedis('ERR max number of clients reached');
      vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${refusing.port}`);
      try {
        // Act
        const answer = await scrape();
        // Assess
        expect(answer).toMatchObject({ statusCode: 503, body: 'metrics store unavailable\n' });
        expect(refusing.commands).toBeGreaterThanOrEqual(1);
        expect(output.records()).toContainEqual(
          expect.objectContaining({
            message: 'The metrics snapshot could not be read',
            reason: expect.stringContaining('max number of clients reached'),
          }),
        );
      } finally {
        await refusing.close();
      }
    });

    it('serves a snapshot Redis returns late but within the timeout, and answers 503 past it', async () => {
      // Prepare: every answer 100 ms late, then 500 ms late (the timeout is 300 ms)
      const slow = await startDelayingProxy(6379, 100);
      vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${slow.port}`);
      await redis.set(KEY, JSON.stringify(realisticSnapshot()));
      try {
        // Act
        const inTime = await scrape();
        closeExporter();
        slow.delayMs = 500;
        const startedAt = performance.now();
        const tooLate = await scrape();
        const elapsedMs = performance.now() - startedAt;
        // Assess
        expect(inTime.statusCode).toBe(200);
        expect(tooLate).toMatchObject({ statusCode: 503, body: 'metrics store unavailable\n' });
        expect(elapsedMs).toBeLessThan(1_000);
      } finally {
        await slow.close();
      }
    });

    it('answers 503 within its timeout when Redis accepts and never answers, and recovers after', async () => {
      // Prepare
      hung = await startHungServer();
      vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${hung.port}`);
      await redis.set(KEY, JSON.stringify(realisticSnapshot()));

      // Act
      const startedAt = performance.now();
      const hungAnswer = await scrape();
      const elapsedMs = performance.now() - startedAt;
      hung.recover(6379);
      const recovered = await scrape();

      // Assess: 300 ms timeout; the guard is generous for a busy machine
      expect(hungAnswer).toMatchObject({ statusCode: 503, body: 'metrics store unavailable\n' });
      expect(elapsedMs).toBeLessThan(2_000);
      expect(recovered.statusCode).toBe(200);
      expect(output.records()).toContainEqual(
        expect.objectContaining({
          message: 'The metrics snapshot could not be read',
          reason: 'SnapshotStoreTimeoutError: Redis did not answer within 300 ms',
        }),
      );
    });
  });
});
