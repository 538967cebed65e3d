import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotKey } from '../../../lambdas/shared/metrics-snapshot';
import { realisticSnapshot } from '../../fixtures/metrics-snapshot';
import { buildTaskRoot, invokeInFreshNode } from '../../support/deployed-bundle';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { promtoolCheckMetrics } from '../../support/promtool';

const STAGE = `deployed-exporter-${process.pid}`;
const KEY = snapshotKey('signupflow', STAGE);

/**
 * The exporter as Lambda runs it: the ESM bundle (prom-client is CommonJS) and its side bundles in a folder
 * outside this repository, so no package resolves from node_modules, in a fresh Node against the real Redis.
 */
describe('the deployed metrics-exporter bundle', () => {
  let taskRoot: string;
  let redis: Redis;

  beforeAll(async () => {
    taskRoot = await buildTaskRoot('metrics-exporter');
    redis = new Redis({ host: '127.0.0.1', port: 6379 });
  });

  afterAll(async () => {
    await redis.del(KEY);
    await redis.quit();
    rmSync(taskRoot, { recursive: true, force: true });
  });

  it('answers a scrape with the snapshot in Prometheus text format', async () => {
    // Prepare
    await redis.set(KEY, JSON.stringify(realisticSnapshot()));
    const event = httpApiEvent('GET /metrics', { headers: { authorization: 'Bearer deployed-token' } });

    // Act
    const { response } = await invokeInFreshNode(
      taskRoot,
      event,
      lambdaContext('metrics-exporter'),
      {
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_DISABLED: 'true',
        STAGE,
        REDIS_URL: 'redis://127.0.0.1:6379',
        METRICS_TOKEN: 'deployed-token',
      },
      { exit: true },
    );

    // Assess
    expect(response).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    });
    expect(await promtoolCheckMetrics(String(response.body))).toEqual({ exitCode: 0, output: '' });
  });
});
