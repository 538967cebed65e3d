import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { checkHealth, type HealthReport } from '../../../lambdas/health/health-check';
import { PostgresProbe } from '../../../lambdas/health/postgres-probe';
import type { Probe } from '../../../lambdas/health/probe';
import { RedisProbe } from '../../../lambdas/health/redis-probe';
import { type FreezingProxy, startFreezingProxy } from '../../support/freezing-proxy';
import { TEST_POSTGRES_URL } from '../../support/postgres';

const CALLERS = 10;
const TIMEOUT_MS = 300;

/** Concurrent checks a few milliseconds apart, as a burst of requests to the local server makes them. */
async function staggeredChecks(probe: Probe): Promise<HealthReport[]> {
  const reports: Promise<HealthReport>[] = [];
  for (let caller = 0; caller < CALLERS; caller += 1) {
    reports.push(checkHealth([probe]));
    await sleep(5);
  }
  return Promise.all(reports);
}

describe('concurrent checks of a dependency that hangs on an open connection', () => {
  let proxy: FreezingProxy | undefined;
  let probe: Probe | undefined;

  afterEach(async () => {
    probe?.reset();
    probe = undefined;
    await proxy?.close();
    proxy = undefined;
  });

  it('reports the first caller timeout of a hung Redis to every caller that shared the check', async () => {
    // Prepare
    proxy = await startFreezingProxy(6379);
    const port = proxy.port;
    probe = new RedisProbe(() => ({ host: '127.0.0.1', port, tls: false }), TIMEOUT_MS);
    const before = await checkHealth([probe]);
    proxy.stall();

    // Act
    const reports = await staggeredChecks(probe);

    // Assess
    expect(before.healthy).toBe(true);
    expect(reports.map((report) => report.components[0]?.error)).toEqual(Array(CALLERS).fill('timeout'));
  });

  it('reports the first caller timeout of a hung Postgres to every caller that shared the check', async () => {
    // Prepare
    proxy = await startFreezingProxy(5432);
    const url = new URL(TEST_POSTGRES_URL);
    url.port = String(proxy.port);
    probe = new PostgresProbe(async () => ({ connectionString: url.toString() }), TIMEOUT_MS);
    const before = await checkHealth([probe]);
    proxy.stall();

    // Act
    const reports = await staggeredChecks(probe);

    // Assess
    expect(before.healthy).toBe(true);
    expect(reports.map((report) => report.components[0]?.error)).toEqual(Array(CALLERS).fill('timeout'));
    expect(reports.map((report) => report.components[0]?.errorCode)).toEqual(
      Array(CALLERS).fill('ProbeTimeoutError'),
    );
  });
});
