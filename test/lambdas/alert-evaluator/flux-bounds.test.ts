import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { InfluxFluxSource, MAX_FLUX_ROWS } from '../../../lambdas/alert-evaluator/flux-source';
import { type FluxStreamServer, startFluxStreamServer } from '../../support/flux-stream-server';

const CHILD = path.join(__dirname, 'flux-child.ts');
const NOW = new Date('2026-11-30T10:00:05Z');

/** The Flux source in a process of its own against `url`: elapsed time, peak RSS, the observation. */
async function observeInChild(url: string, timeoutMs = 20_000) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', CHILD, url, String(timeoutMs)],
    {
      cwd: path.resolve(__dirname, '..', '..', '..'),
      maxBuffer: 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    ms: number;
    maxRssMb: number;
    observation: { ok: boolean; error?: string };
  };
}

describe('a Flux rule whose query answers far too many rows', () => {
  let server: FluxStreamServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('stops reading at the cap: a 2,000,000-row answer costs under 250 MB and 20 s, and its rule is in ERROR naming the cap', async () => {
    // Prepare
    server = await startFluxStreamServer(2_000_000);
    // Act
    const { ms, maxRssMb, observation } = await observeInChild(server.url);
    // Assess
    expect(observation).toEqual({
      ok: false,
      error: `the Flux query answered more than ${MAX_FLUX_ROWS.toLocaleString('en')} rows (the cap); aggregate it per period (aggregateWindow) or narrow its range`,
    });
    expect(maxRssMb).toBeLessThan(250);
    expect(ms).toBeLessThan(20_000);
    expect(server.closedEarly).toBe(true);
    expect(server.rowsSent).toBeLessThan(2_000_000);
  });

  it('reads an answer of exactly the cap, keeping one value per period', async () => {
    // Prepare: one row a second, the cap's worth
    server = await startFluxStreamServer(MAX_FLUX_ROWS);
    const source = new InfluxFluxSource({
      url: server.url,
      token: 'read-only',
      org: 'signupflow',
      timeoutMs: 10_000,
    });
    // Act
    const observation = await source.observe('from(bucket: "app") |> range(start: -3h)', 60, NOW);
    // Assess: 10,000 seconds from 10:00:00 are 167 minutes and the row at 10:00:00 (the stop of 09:59's
    // period); each period keeps its last row
    expect(observation.ok).toBe(true);
    expect(observation.ok && observation.datapoints.length).toBe(168);
  });

  it('gives up on an answer that trickles in for longer than its timeout', async () => {
    // Prepare: 1,000 rows every 200 ms, never more than the cap in time
    server = await startFluxStreamServer(MAX_FLUX_ROWS, 200);
    const source = new InfluxFluxSource({
      url: server.url,
      token: 'read-only',
      org: 'signupflow',
      timeoutMs: 500,
    });
    // Act
    const startedAt = performance.now();
    const observation = await source.observe('from(bucket: "app") |> range(start: -3h)', 60, NOW);
    const elapsedMs = performance.now() - startedAt;
    // Assess
    expect(observation).toEqual({
      ok: false,
      error: 'InfluxDB query failed: no complete answer within 500 ms',
    });
    expect(elapsedMs).toBeLessThan(1_500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.closedEarly).toBe(true);
  });
});
