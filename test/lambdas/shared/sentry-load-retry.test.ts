import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { captureOutput } from '../../support/output';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';

// The loader is the real one; a test makes it fail once, as a missing side bundle or a full /tmp would.
vi.mock('../../../lambdas/shared/side-bundles', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../lambdas/shared/side-bundles')>();
  return { ...original, importSentry: vi.fn(original.importSentry) };
});

describe('Sentry that fails to load', () => {
  let sentryServer: SentryStandIn;

  beforeAll(async () => {
    sentryServer = await startSentryStandIn();
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SignUpFlow/test');
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
  });
  afterAll(async () => {
    await (await import('../../../lambdas/shared/sentry')).resetSentryForTests();
    await sentryServer.close();
  });

  it('is loaded again for the next error, which reaches Sentry', async () => {
    // Prepare
    const { importSentry } = await import('../../../lambdas/shared/side-bundles');
    const { withObservability } = await import('../../../lambdas/shared/with-observability');
    vi.mocked(importSentry).mockRejectedValueOnce(new Error("Cannot find module '/var/task/sentry.mjs'"));
    const handler = withObservability(async (event: APIGatewayProxyEventV2) => {
      throw new Error(`failure ${event.queryStringParameters?.attempt}`);
    });
    const output = captureOutput();

    // Act
    const first = await handler(
      httpApiEvent('GET /api/events', { query: { attempt: '1' } }),
      lambdaContext(),
    );
    const second = await handler(
      httpApiEvent('GET /api/events', { query: { attempt: '2' } }),
      lambdaContext(),
    );
    output.restore();

    // Assess
    expect([first, second]).toMatchObject([{ statusCode: 500 }, { statusCode: 500 }]);
    const reportingFailures = output
      .records()
      .filter((record) => record.message === 'Could not report the error to Sentry');
    expect(reportingFailures).toHaveLength(1);
    expect(importSentry).toHaveBeenCalledTimes(2);
    const values = sentryServer
      .events()
      .map((event) => (event.exception as { values: { value: string }[] }).values[0]?.value);
    expect(values).toEqual(['failure 2']);
  });
});
