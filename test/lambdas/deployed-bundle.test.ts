import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esbuildOptions } from '../../lib/bundling';
import { buildSideBundles } from '../../scripts/build-side-bundles';
import { httpApiEvent, lambdaContext } from '../support/lambda-events';
import { type SentryStandIn, startSentryStandIn } from '../support/sentry-server';

const run = promisify(execFile);

/**
 * The API function as Lambda runs it: the handler's bundle and its side bundles in a folder outside this
 * repository (so no package resolves from node_modules), LAMBDA_TASK_ROOT pointing at it, in a fresh Node.
 */
describe('the deployed API bundle', () => {
  let taskRoot: string;
  let sentryServer: SentryStandIn;

  beforeAll(async () => {
    taskRoot = mkdtempSync(path.join(os.tmpdir(), 'signupflow-task-'));
    const entry = path.resolve(__dirname, '..', '..', 'lambdas', 'api', 'handler.ts');
    await build(esbuildOptions(entry, path.join(taskRoot, 'index.mjs')));
    await buildSideBundles(taskRoot);
    sentryServer = await startSentryStandIn();
  });

  afterAll(async () => {
    await sentryServer?.close();
    rmSync(taskRoot, { recursive: true, force: true });
  });

  it('keeps Sentry out of the handler bundle', () => {
    const code = readFileSync(path.join(taskRoot, 'index.mjs'), 'utf8');

    expect(code).not.toContain('sentry.javascript');
    expect(readFileSync(path.join(taskRoot, 'sentry.mjs'), 'utf8')).toContain('sentry.javascript');
  });

  it('loads Sentry from its side bundle at the first error and delivers the event', async () => {
    // Prepare
    const invoke = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)});`,
      `const response = await handler(${JSON.stringify(httpApiEvent('POST /api/trigger-test-error'))}, ${JSON.stringify(lambdaContext())});`,
      `process.stdout.write('\\n@@response ' + JSON.stringify(response) + '\\n');`,
    ].join('\n');

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', invoke], {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: taskRoot,
        SENTRY_DSN: sentryServer.dsn,
        TEST_ERROR_ROUTE: 'anonymous',
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      },
    });

    // Assess
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('@@response '));
    expect(JSON.parse(line?.slice('@@response '.length) ?? '{}')).toMatchObject({ statusCode: 500 });
    expect(sentryServer.events()).toEqual([
      expect.objectContaining({
        exception: { values: [expect.objectContaining({ type: 'TestError' })] },
      }),
    ]);
  });

  it('keeps the X-Ray SDK in its side bundle and loads it for a sampled invocation', async () => {
    // Prepare
    const handlerCode = readFileSync(path.join(taskRoot, 'index.mjs'), 'utf8');
    const invoke = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)});`,
      `const response = await handler(${JSON.stringify(httpApiEvent('GET /api/events', { query: { limit: 'many' } }))}, ${JSON.stringify(lambdaContext())});`,
      `process.stdout.write('\\n@@response ' + JSON.stringify(response) + '\\n');`,
    ].join('\n');

    // Act
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', invoke], {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH,
        LAMBDA_TASK_ROOT: taskRoot,
        _X_AMZN_TRACE_ID: 'Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1',
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      },
    });

    // Assess: the handler's bundle has no X-Ray SDK; the side bundle loaded and the request was answered.
    expect(handlerCode).not.toContain('AWS_XRAY_CONTEXT_MISSING');
    expect(readFileSync(path.join(taskRoot, 'tracer.mjs'), 'utf8')).toContain('AWS_XRAY_CONTEXT_MISSING');
    const line = stdout.split('\n').find((candidate) => candidate.startsWith('@@response '));
    expect(JSON.parse(line?.slice('@@response '.length) ?? '{}')).toMatchObject({ statusCode: 400 });
    expect(`${stdout}${stderr}`).not.toContain('could not be loaded');
  });
});
