import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SECRETS } from '../../fixtures/secrets';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';
import { captureOutput } from '../../support/output';
import { type SentryStandIn, startSentryStandIn } from '../../support/sentry-server';

describe('scrubbing, golden: an invocation full of secrets', () => {
  let sentryServer: SentryStandIn;
  let printed: string;
  let responseBody: string;

  beforeAll(async () => {
    // Prepare
    sentryServer = await startSentryStandIn();
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SignUpFlow/test');
    vi.stubEnv('LOG_LEVEL', 'DEBUG');
    vi.stubEnv('METRICS_FLUSH_INTERVAL_SECONDS', '0');
    vi.stubEnv('SENTRY_DSN', sentryServer.dsn);
    const { withObservability } = await import('../../../lambdas/shared/with-observability');
    const { logger } = await import('../../../lambdas/shared/observability');
    const handler = withObservability(async (event: APIGatewayProxyEventV2) => {
      const body = JSON.parse(event.body ?? '{}');
      logger.debug('Sign-up received', { headers: event.headers, body });
      logger.info(`Notifying ${body.email} through ${SECRETS.slackWebhookUrl}`);
      logger.warn('Retrying with the caller token', { token: SECRETS.bearerToken, jwt: SECRETS.jwt });
      throw new Error(
        `Sign-up failed for ${body.email}: password=${body.password} rejected, session ${SECRETS.jwt}, ` +
          `webhook ${SECRETS.slackWebhookUrl}, Authorization: Bearer ${SECRETS.bearerToken}`,
      );
    });
    const event = httpApiEvent('POST /api/signups', {
      headers: {
        authorization: `Bearer ${SECRETS.bearerToken}`,
        cookie: `session=${SECRETS.jwt}`,
        'x-forwarded-email': SECRETS.email,
      },
      body: JSON.stringify({
        email: SECRETS.email,
        password: SECRETS.password,
        note: `my token is ${SECRETS.jwt}`,
      }),
    });

    // Act
    const output = captureOutput();
    const response = await handler(event, lambdaContext());
    output.restore();
    printed = output.text();
    responseBody = JSON.stringify(response);
  });

  afterAll(() => sentryServer.close());

  it('printed the logs and the error, so there was something to scrub', () => {
    expect(printed).toContain('Sign-up received');
    expect(printed).toContain('Unhandled error');
    expect(sentryServer.events()).toHaveLength(1);
    expect(JSON.stringify(sentryServer.events())).toContain(
      'Sign-up failed for [REDACTED]: password=[REDACTED]',
    );
  });

  it.each(Object.entries(SECRETS))(
    'leaves no %s in anything printed to stdout or stderr',
    (_name, secret) => {
      expect(printed).not.toContain(secret);
    },
  );

  it.each(Object.entries(SECRETS))('leaves no %s in the Sentry event', (_name, secret) => {
    const raw = sentryServer.envelopes.map((envelope) => envelope.raw).join('\n');
    expect(raw).not.toContain(secret);
  });

  it.each(Object.entries(SECRETS))('leaves no %s in the response', (_name, secret) => {
    expect(responseBody).not.toContain(secret);
  });
});
