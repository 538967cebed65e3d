import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import type { RedisSettings } from '../../../../lambdas/shared/connection-settings';
import { runDependencyChecks } from '../../../../lambdas/shared/self-test/dependency-checks';
import { DeadlineError } from '../../../../lambdas/shared/self-test/failure';
import { redisCheck } from '../../../../lambdas/shared/self-test/redis-probe';
import { type HungServer, startHungServer } from '../../../support/hung-server';
import { type PrivateRedis, startPrivateRedis } from '../../../support/private-redis';

const DEADLINE_MS = 200;
const PASSWORD = 'the-right-redis-password-4Tx';

function checkOf(settings: () => Promise<RedisSettings>, timeoutMs = DEADLINE_MS) {
  return redisCheck({ target: 'the test server', settings, timeoutMs });
}

describe('redisCheck: PING over a fail-fast connection of its own', { timeout: 5_000 }, () => {
  let redis: PrivateRedis;
  let hung: HungServer | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });

  afterEach(async () => {
    await hung?.close();
    hung = undefined;
    await redis.start();
  });

  afterAll(async () => {
    await redis.stop();
  });

  it('answers PONG', async () => {
    const check = checkOf(async () => ({ host: '127.0.0.1', port: redis.port, tls: false }));

    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    expect(result).toMatchObject({ dependency: 'Redis', ok: true, detail: 'PING answered PONG' });
  });

  it('fails a stopped Redis as refused, with the socket’s reason rather than ioredis’s "Connection is closed."', async () => {
    // Prepare
    await redis.stop();
    const check = checkOf(async () => ({ host: '127.0.0.1', port: redis.port, tls: false }));

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(result).toMatchObject({ ok: false, failure: { kind: 'refused', code: 'ECONNREFUSED' } });
  });

  it('fails a wrong password as auth (WRONGPASS)', async () => {
    // Prepare: a password on this test's own Redis, gone again with a restart
    const admin = new Redis(redis.port, '127.0.0.1');
    await admin.config('SET', 'requirepass', PASSWORD);
    admin.disconnect();
    onTestFinished(async () => {
      await redis.stop();
      await redis.start();
    });
    const check = checkOf(async () => ({
      host: '127.0.0.1',
      port: redis.port,
      tls: false,
      password: 'wrong-one',
    }));

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(result).toMatchObject({ ok: false, failure: { kind: 'auth', code: 'WRONGPASS' } });
  });

  it('fails a server that never answers as a timeout, and closes its socket at the deadline', async () => {
    // Prepare
    hung = await startHungServer();
    const server = hung;
    const check = checkOf(async () => ({ host: '127.0.0.1', port: server.port, tls: false }), 3_000);

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(result?.ms).toBeLessThan(1_000);
    expect(server.connections).toBe(1);
    await vi.waitFor(() => expect(server.open).toBe(0), { timeout: 1_000 });
  });

  it('opens no connection when the deadline passed while its settings were still being read', async () => {
    // Prepare: the settings (the AUTH secret) arrive only after the check was given up
    hung = await startHungServer();
    const server = hung;
    let deliverSettings: (settings: RedisSettings) => void = () => undefined;
    const settings = new Promise<RedisSettings>((resolve) => {
      deliverSettings = resolve;
    });
    const controller = new AbortController();
    const running = checkOf(() => settings, 3_000).run(controller.signal);

    // Act
    controller.abort(new DeadlineError('no answer within 0.2 s'));
    deliverSettings({ host: '127.0.0.1', port: server.port, tls: false });

    // Assess
    await expect(running).rejects.toBeInstanceOf(DeadlineError);
    expect(server.connections).toBe(0);
  });
});
