import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDACTED, scrubText } from '../../../lambdas/shared/scrubber';
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

/** Each row was seen unredacted in the scrubber's output (issue 11). */
describe('scrubbing, golden: secrets that once slipped through', () => {
  it.each([
    ['an AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['an AWS temporary access key id', 'key ASIAY34FZKBOKMUTVV7A used', `key ${REDACTED} used`],
    ['a Stripe live key', 'charge with sk_live_4eC39HqLyjWDarjtT1zdp7dc', `charge with ${REDACTED}`],
    ['a Stripe test key', 'charge with sk_test_51H8abcdEFGHijkl', `charge with ${REDACTED}`],
    ['a Stripe restricted key', 'rk_live_abcdefgh12345678 rejected', `${REDACTED} rejected`],
    ['a GitHub personal token', 'push ghp_1234567890abcdefghijABCDEFGHIJ123456', `push ${REDACTED}`],
    ['a GitHub OAuth token', 'gho_abcdefghijklmnopqrstuv1234 expired', `${REDACTED} expired`],
    ['a GitHub app token', 'ghs_abcdefghijklmnopqrstuv1234 expired', `${REDACTED} expired`],
    [
      'a fine-grained GitHub token',
      'github_pat_11ABCDEFG0abcdefghij_klmnopqrstuvwxyz0123 expired',
      `${REDACTED} expired`,
    ],
    ['a Slack bot token', 'slack xoxb-1234567890-0987654321-abcdefghij', `slack ${REDACTED}`],
    ['a Slack user token', 'slack xoxp-123456-789012-abcdefghijkl', `slack ${REDACTED}`],
    ['a Slack workspace token', 'slack xoxa-2-abcdefghijkl', `slack ${REDACTED}`],
    ['a Slack app token', 'slack xapp-1-A0123456-789-abcdef', `slack ${REDACTED}`],
    [
      'a PEM private key',
      'key: -----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,AB12\n\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY----- loaded',
      `key: ${REDACTED} loaded`,
    ],
    [
      'a PKCS#8 private key',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
      REDACTED,
    ],
    [
      'a Slack webhook URL without a scheme',
      'posting to hooks.slack.com/services/T0SIGNUP/B0FLOW42/abcdefghij failed',
      `posting to ${REDACTED} failed`,
    ],
    [
      'a Slack webhook URL over http',
      'posting to http://hooks.slack.com/services/T0SIGNUP/B0FLOW42/abcdefghij failed',
      `posting to ${REDACTED} failed`,
    ],
    ['a pwd key', 'login pwd=hunter2 ok', `login pwd=${REDACTED} ok`],
    ['a pass key', 'login pass=hunter2 ok', `login pass=${REDACTED} ok`],
    ['a passphrase key', 'passphrase: correct-horse', `passphrase: ${REDACTED}`],
    ['an auth key', '{"auth": "s3cr3t", "author": "Jane"}', `{"auth": ${REDACTED}, "author": "Jane"}`],
    ['a session id', 'sessionid=abc123; path=/', `sessionid=${REDACTED}; path=/`],
    ['a signature', 'signature=3f5a9c0b1d', `signature=${REDACTED}`],
    [
      'a presigned URL',
      'GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261130%2Fus-east-1&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024&X-Amz-Expires=60',
      `GET https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${REDACTED}&X-Amz-Signature=${REDACTED}&X-Amz-Expires=60`,
    ],
    [
      'a URL-encoded password',
      'redirect=%2Fcallback%3Fpassword%3Dhunter2%26next%3D1',
      `redirect=%2Fcallback%3Fpassword%3D${REDACTED}%26next%3D1`,
    ],
    [
      'a password in escaped JSON',
      '{\\"password\\": \\"hunter2\\", \\"user\\": \\"jane\\"}',
      `{\\"password\\": ${REDACTED}, \\"user\\": \\"jane\\"}`,
    ],
    [
      'every cookie of a Cookie header',
      'Cookie: theme=dark; session=abc123; csrf=def456\nAccept: */*',
      `Cookie: ${REDACTED}\nAccept: */*`,
    ],
    [
      'a database password holding a slash',
      'connecting to postgresql://app:pa/ss@db:5432/app',
      `connecting to postgresql://${REDACTED}@db:5432/app`,
    ],
    [
      'each value after an ampersand',
      '/cb?a=1&password=hunter2&token=abc123',
      `/cb?a=1&password=${REDACTED}&token=${REDACTED}`,
    ],
    ['an e-mail address still', `sign-up by ${SECRETS.email} accepted`, `sign-up by ${REDACTED} accepted`],
    [
      'nothing in words that only contain pass or auth',
      'passenger=3 author=Jane bypass=on oauth=1',
      'passenger=3 author=Jane bypass=on oauth=1',
    ],
  ])('redacts %s', (_kind, input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });
});
