import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTaskRoot, invokeInFreshNode } from '../support/deployed-bundle';
import { httpApiEvent, lambdaContext } from '../support/lambda-events';
import { type SentryStandIn, startSentryStandIn } from '../support/sentry-server';

/**
 * The API function as Lambda runs it: the handler's bundle and its side bundles in a folder outside this
 * repository (so no package resolves from node_modules), LAMBDA_TASK_ROOT pointing at it, in a fresh Node.
 */
describe('the deployed API bundle', () => {
  let taskRoot: string;
  let sentryServer: SentryStandIn;

  beforeAll(async () => {
    taskRoot = await buildTaskRoot('api');
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
    // Act
    const { response } = await invokeInFreshNode(
      taskRoot,
      httpApiEvent('POST /api/trigger-test-error'),
      lambdaContext(),
      {
        SENTRY_DSN: sentryServer.dsn,
        TEST_ERROR_ROUTE: 'anonymous',
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      },
    );

    // Assess
    expect(response).toMatchObject({ statusCode: 500 });
    expect(sentryServer.events()).toEqual([
      expect.objectContaining({
        exception: { values: [expect.objectContaining({ type: 'TestError' })] },
      }),
    ]);
  });

  it('keeps the X-Ray SDK in its side bundle and loads it for a sampled invocation', async () => {
    // Prepare
    const handlerCode = readFileSync(path.join(taskRoot, 'index.mjs'), 'utf8');

    // Act
    const { response, stdout, stderr } = await invokeInFreshNode(
      taskRoot,
      httpApiEvent('GET /api/events', { query: { limit: 'many' } }),
      lambdaContext(),
      {
        _X_AMZN_TRACE_ID: 'Root=1-67891233-abcdef012345678912345678;Parent=463ac35c9f6413ad;Sampled=1',
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
      },
    );

    // Assess: the handler's bundle has no X-Ray SDK; the side bundle loaded and the request was answered.
    expect(handlerCode).not.toContain('AWS_XRAY_CONTEXT_MISSING');
    expect(readFileSync(path.join(taskRoot, 'tracer.mjs'), 'utf8')).toContain('AWS_XRAY_CONTEXT_MISSING');
    expect(response).toMatchObject({ statusCode: 400 });
    expect(`${stdout}${stderr}`).not.toContain('could not be loaded');
  });
});
