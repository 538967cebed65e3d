import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from '../../support/postgres';
import { leaks, loadHealthHandler } from './load-health-handler';

/** A Redis database index of its own, so that only this file's connections are counted in CLIENT LIST. */
const REDIS_DB = 11;

describe('concurrent health checks against healthy Postgres and Redis', () => {
  let database: TestDatabase;
  let health: Awaited<ReturnType<typeof loadHealthHandler>>;
  let admin: pg.Client;
  let redisAdmin: Redis;
  let output: CapturedOutput;

  beforeAll(async () => {
    database = await createTestDatabase();
    health = await loadHealthHandler({
      DATABASE_URL: database.url,
      REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
    });
    admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    redisAdmin = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
    await redisAdmin.connect();
    output = captureOutput();
  });

  afterAll(async () => {
    output.restore();
    health.close();
    vi.unstubAllEnvs();
    await admin.end();
    redisAdmin.disconnect();
    await database.drop();
  });

  async function serverConnections(): Promise<{ postgres: number; redis: number }> {
    const { rows } = await admin.query<{ count: string }>(
      'SELECT count(*) FROM pg_stat_activity WHERE datname = $1',
      [database.name],
    );
    const clients = String(await redisAdmin.client('LIST'))
      .split('\n')
      .filter((line) => line.includes(` db=${REDIS_DB} `) && line.includes(' name=signupflow-health '));
    return { postgres: Number(rows[0]?.count), redis: clients.length };
  }

  async function invokeConcurrently(count: number) {
    return Promise.all(Array.from({ length: count }, () => health.get('GET /health')));
  }

  it('answers 100 concurrent invocations with 200 over one connection to each server', async () => {
    // Prepare
    const warmUp = await invokeConcurrently(10);
    const afterTen = await serverConnections();

    // Act
    const responses = await invokeConcurrently(100);
    const afterHundred = await serverConnections();

    // Assess
    expect(warmUp.every((response) => response.statusCode === 200)).toBe(true);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(100).fill(200));
    expect(afterTen).toEqual({ postgres: 1, redis: 1 });
    expect(afterHundred).toEqual(afterTen);
    for (const response of responses) expect(leaks(response.body, ['127.0.0.1', database.name])).toEqual([]);
  });
});
