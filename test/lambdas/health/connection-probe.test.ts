import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHealth } from '../../../lambdas/health/health-check';
import { PostgresProbe } from '../../../lambdas/health/postgres-probe';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';

describe('a probe whose settings arrive after its check timed out', () => {
  let database: TestDatabase;

  const openConnections = async (): Promise<number> => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'signupflow-health'",
      );
      return Number(rows[0]?.count);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('leaves no connection behind, and connects again once the settings are quick', async () => {
    // Prepare: the first three reads of the settings (a secret, in AWS) take three times the check's timeout,
    // which leaves a loaded machine room to connect once they are quick.
    let reads = 0;
    const probe = new PostgresProbe(async () => {
      reads += 1;
      if (reads <= 3) await sleep(900);
      return { connectionString: database.url };
    }, 300);

    // Act
    const timedOut = [];
    for (let check = 0; check < 3; check += 1) timedOut.push(await checkHealth([probe]));
    await sleep(1_000);
    const leftBehind = await openConnections();
    const recovered = await checkHealth([probe]);
    const afterRecovery = await openConnections();
    probe.close();

    // Assess
    for (const report of timedOut)
      expect(report.components[0]).toMatchObject({ healthy: false, error: 'timeout' });
    expect(leftBehind).toBe(0);
    expect(recovered.healthy).toBe(true);
    expect(afterRecovery).toBe(1);
  });
});
