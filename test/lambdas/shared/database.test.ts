import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, LAMBDA_POOL_SETTINGS, type MetricRecorder } from '../../../lambdas/shared/database';
import { TcpFaultProxy } from '../../../scripts/soak/tcp-fault-proxy';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

describe('Database', () => {
  let testDatabase: TestDatabase;
  let database: Database;
  const recorded: { name: string; unit: string; value: number; dimensions: Record<string, string> }[] = [];
  const recorder: MetricRecorder = {
    add: (name, unit, value, dimensions) => recorded.push({ name, unit, value, dimensions }),
    highest: (name, unit, value, dimensions) => recorded.push({ name, unit, value, dimensions }),
  };

  beforeAll(async () => {
    testDatabase = await createTestDatabase();
    database = new Database(new pg.Pool({ connectionString: testDatabase.url, max: 2 }), recorder);
  });

  afterAll(async () => {
    await database?.end();
    await testDatabase?.drop();
  });

  it('records the duration of each query by type and the connections in use', async () => {
    // Act
    await database.query('insert', "INSERT INTO organizations (id, name) VALUES ('org-1', 'One')");
    const { rows } = await database.query<{ name: string }>(
      'select',
      'SELECT name FROM organizations WHERE id = $1',
      ['org-1'],
    );

    // Assess
    expect(rows).toEqual([{ name: 'One' }]);
    const durations = recorded.filter((sample) => sample.name === 'db_query_duration_seconds');
    expect(durations.map((sample) => sample.dimensions)).toEqual([
      { query_type: 'insert' },
      { query_type: 'select' },
    ]);
    for (const sample of durations) {
      expect(sample.unit).toBe('Seconds');
      expect(sample.value).toBeGreaterThanOrEqual(0);
      expect(sample.value).toBeLessThan(5);
    }
    const active = recorded.filter((sample) => sample.name === 'db_connections_active');
    expect(active).toHaveLength(2);
    for (const sample of active) expect(sample).toMatchObject({ unit: 'Count', value: 1, dimensions: {} });
  });

  it('records a failed query too', async () => {
    // Prepare
    recorded.length = 0;

    // Act
    const failing = database.query('select', 'SELECT * FROM no_such_table');

    // Assess
    await expect(failing).rejects.toThrow(/no_such_table/);
    expect(recorded.map((sample) => sample.name)).toEqual([
      'db_connections_active',
      'db_query_duration_seconds',
    ]);
  });

  it('has a statement slower than its statement_timeout cancelled by Postgres, and stays usable', async () => {
    // Prepare: the Lambda pool's settings
    const lambdaPool = new Database(
      new pg.Pool({ ...LAMBDA_POOL_SETTINGS, connectionString: testDatabase.url }),
      recorder,
    );
    try {
      // Act
      const startedAt = performance.now();
      const slow = await lambdaPool.query('select', 'SELECT pg_sleep(30)').catch((error: Error) => error);
      const elapsedMs = performance.now() - startedAt;
      const { rows } = await lambdaPool.query<{ one: number }>('select', 'SELECT 1 AS one');
      // Assess
      expect(slow).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
      expect(elapsedMs).toBeGreaterThanOrEqual(Number(LAMBDA_POOL_SETTINGS.statement_timeout) - 50);
      expect(elapsedMs).toBeLessThan(Number(LAMBDA_POOL_SETTINGS.query_timeout));
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await lambdaPool.end();
    }
  });

  it('rejects a query whose connection the server drops, without an unhandled error, and connects afresh', async () => {
    // Prepare: a query that waits, and its backend terminated meanwhile (a failover, a proxy's idle timeout)
    const lambdaPool = new Database(
      new pg.Pool({
        ...LAMBDA_POOL_SETTINGS,
        connectionString: testDatabase.url,
        application_name: 'dropped',
      }),
      recorder,
    );
    const admin = new pg.Client({ connectionString: testDatabase.url });
    await admin.connect();
    try {
      // Act
      const waiting = lambdaPool.query('select', 'SELECT pg_sleep(2)').catch((error: Error) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dropped'`,
      );
      const dropped = await waiting;
      const { rows } = await lambdaPool.query<{ one: number }>('select', 'SELECT 1 AS one');
      // Assess
      expect(dropped).toBeInstanceOf(Error);
      expect((dropped as Error).message).toMatch(/terminat/);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await lambdaPool.end();
    }
  });

  it('rejects a query whose TCP connection is cut without a word, without an unhandled error', async () => {
    // Prepare: Postgres behind a proxy that drops every connection on command (a network failover)
    const proxy = await TcpFaultProxy.start(
      'postgres',
      Number(new URL(testDatabase.url).port || 5432),
      'drop',
    );
    const url = new URL(testDatabase.url);
    url.port = String(proxy.port);
    const lambdaPool = new Database(
      new pg.Pool({ ...LAMBDA_POOL_SETTINGS, connectionString: url.toString() }),
      recorder,
    );
    try {
      // Act
      const waiting = lambdaPool.query('select', 'SELECT pg_sleep(2)').catch((error: Error) => error);
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.mode = 'error';
      const dropped = await waiting;
      proxy.mode = 'healthy';
      const { rows } = await lambdaPool.query<{ one: number }>('select', 'SELECT 1 AS one');
      // Assess
      expect((dropped as Error).message).toBe('Connection terminated unexpectedly');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await lambdaPool.end();
      await proxy.close();
    }
  });
});
