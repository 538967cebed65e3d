import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotKey } from '../../../lambdas/shared/metrics-snapshot';
import { esbuildOptions } from '../../../lib/bundling';
import { buildSideBundles } from '../../../scripts/build-side-bundles';
import { realisticSnapshot } from '../../fixtures/metrics-snapshot';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { promtoolCheckMetrics } from '../../support/promtool';

const run = promisify(execFile);
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
    taskRoot = mkdtempSync(path.join(os.tmpdir(), 'signupflow-exporter-task-'));
    const entry = path.resolve(__dirname, '..', '..', '..', 'lambdas', 'metrics-exporter', 'handler.ts');
    await build(esbuildOptions(entry, path.join(taskRoot, 'index.mjs')));
    await buildSideBundles(taskRoot);
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
    const invoke = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)});`,
      `const response = await handler(${JSON.stringify(event)}, ${JSON.stringify(lambdaContext('metrics-exporter'))});`,
      `process.stdout.write('\\n@@response ' + JSON.stringify(response) + '\\n');`,
      'process.exit(0);',
    ].join('\n');

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', invoke], {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: taskRoot,
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_DISABLED: 'true',
        STAGE,
        REDIS_URL: 'redis://127.0.0.1:6379',
        METRICS_TOKEN: 'deployed-token',
      },
    });
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('@@response '));
    const response = JSON.parse(line?.slice('@@response '.length) ?? '{}');

    // Assess
    expect(response).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' },
    });
    expect(await promtoolCheckMetrics(response.body)).toEqual({ exitCode: 0, output: '' });
  });
});
