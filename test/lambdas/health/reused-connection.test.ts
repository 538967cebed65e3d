import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../../../lambdas/health/health-check';
import { PostgresProbe } from '../../../lambdas/health/postgres-probe';
import type { Probe } from '../../../lambdas/health/probe';
import { RedisProbe } from '../../../lambdas/health/redis-probe';
import { type FreezingProxy, startFreezingProxy } from '../../support/freezing-proxy';
import { closedPort } from '../../support/hung-server';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../../support/postgres';

/** A Redis database index of its own, so that CLIENT KILL finds only this file's connection. */
const REDIS_DB = 12;
const TIMEOUT_MS = 500;

function postgresThrough(database: TestDatabase, port: number): string {
  const url = new URL(database.url);
  url.port = String(port);
  return url.toString();
}

describe('a check over a connection the server dropped while the environment was frozen', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let redisAdmin: Redis;
  let proxy: FreezingProxy | undefined;
  let probe: Probe | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    redisAdmin = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redisAdmin.connect();
  });

  afterEach(async () => {
    probe?.reset();
    probe = undefined;
    await proxy?.close();
    proxy = undefined;
  });

  afterAll(async () => {
    await admin.end();
    redisAdmin.disconnect();
    await database.drop();
  });

  async function terminatePostgresBackend(): Promise<void> {
    const { rows } = await admin.query<{ terminated: boolean }>(
      "SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE datname = $1 AND application_name = 'signupflow-health'",
      [database.name],
    );
    expect(rows).toEqual([{ terminated: true }]);
  }

  async function killRedisClient(): Promise<void> {
    const ids = String(await redisAdmin.client('LIST'))
      .split('\n')
      .filter((line) => line.includes(` db=${REDIS_DB} `) && line.includes(' name=signupflow-health '))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1]);
    expect(ids).toHaveLength(1);
    await redisAdmin.client('KILL', 'ID', String(ids[0]));
  }

  it('answers healthy when Postgres terminated the reused backend, over one fresh connection', async () => {
    // Prepare
    proxy = await startFreezingProxy(5432);
    const url = postgresThrough(database, proxy.port);
    probe = new PostgresProbe(async () => ({ connectionString: url }), TIMEOUT_MS);
    const first = await checkHealth([probe]);
    proxy.freeze();
    await terminatePostgresBackend();
    await proxy.serverClosed(1);

    // Act
    const afterDrop = await checkHealth([probe]);

    // Assess
    expect(first.healthy).toBe(true);
    expect(afterDrop.components[0]).toMatchObject({ component: 'database', healthy: true });
    expect(proxy.connections).toBe(2);
  });

  it('answers healthy when Redis killed the reused client, over one fresh connection', async () => {
    // Prepare
    proxy = await startFreezingProxy(6379);
    const port = proxy.port;
    probe = new RedisProbe(() => ({ host: '127.0.0.1', port, db: REDIS_DB, tls: false }), TIMEOUT_MS);
    const first = await checkHealth([probe]);
    proxy.freeze();
    await killRedisClient();
    await proxy.serverClosed(1);

    // Act
    const afterDrop = await checkHealth([probe]);

    // Assess
    expect(first.healthy).toBe(true);
    expect(afterDrop.components[0]).toMatchObject({ component: 'redis', healthy: true });
    expect(proxy.connections).toBe(2);
  });

  it('does not retry a check whose connection was fresh', async () => {
    // Prepare: every connection through the proxy is reset by a server that is not there.
    proxy = await startFreezingProxy(await closedPort());
    const url = postgresThrough(database, proxy.port);
    probe = new PostgresProbe(async () => ({ connectionString: url }), TIMEOUT_MS);

    // Act
    const report = await checkHealth([probe]);

    // Assess
    expect(report.components[0]).toMatchObject({ healthy: false, error: 'connection reset' });
    expect(proxy.connections).toBe(1);
  });

  it('gives the retry only what is left of the hard timeout, and opens nothing after it', async () => {
    // Prepare: the reused connection is dropped, and the server hangs for the fresh one.
    proxy = await startFreezingProxy(5432);
    const url = postgresThrough(database, proxy.port);
    probe = new PostgresProbe(async () => ({ connectionString: url }), TIMEOUT_MS);
    await checkHealth([probe]);
    proxy.freeze();
    await terminatePostgresBackend();
    await proxy.serverClosed(1);
    proxy.hang();

    // Act
    const report = await checkHealth([probe]);
    await sleep(200);

    // Assess
    expect(report.components[0]).toMatchObject({ healthy: false, error: 'timeout' });
    expect(report.components[0]?.responseTimeMs).toBeLessThan(TIMEOUT_MS + 100);
    expect(proxy.connections).toBe(2);
  });

  it('does not retry a reused connection that hung until the hard timeout', async () => {
    // Prepare
    proxy = await startFreezingProxy(5432);
    const url = postgresThrough(database, proxy.port);
    probe = new PostgresProbe(async () => ({ connectionString: url }), TIMEOUT_MS);
    await checkHealth([probe]);
    proxy.stall();

    // Act
    const report = await checkHealth([probe]);
    await sleep(200);

    // Assess
    expect(report.components[0]).toMatchObject({ healthy: false, error: 'timeout' });
    expect(proxy.connections).toBe(1);
  });
});
