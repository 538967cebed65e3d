import { describe, expect, it } from 'vitest';
import {
  isSensitiveKey,
  MAX_SCRUBBED_CHARACTERS,
  MAX_SCRUBBED_DEPTH,
  NESTED_TOO_DEEP,
  REDACTED,
  scrub,
  scrubReplacer,
  scrubText,
} from '../../../lambdas/shared/scrubber';
import { SECRETS } from '../../fixtures/secrets';

describe('scrubText', () => {
  it.each([
    [
      'a bearer token',
      `Authorization: Bearer ${SECRETS.bearerToken}`,
      `Authorization: ${REDACTED} ${REDACTED}`,
    ],
    [
      'a bearer token without its header',
      `retrying Bearer ${SECRETS.bearerToken}`,
      `retrying Bearer ${REDACTED}`,
    ],
    ['a JWT', `session ${SECRETS.jwt} expired`, `session ${REDACTED} expired`],
    ['a Slack webhook URL', `posting to ${SECRETS.slackWebhookUrl} failed`, `posting to ${REDACTED} failed`],
    ['an e-mail address', `sign-up by ${SECRETS.email} accepted`, `sign-up by ${REDACTED} accepted`],
    [
      'credentials in a URL',
      'postgres://app:s3cr3t@db.internal:5432/app',
      `postgres://${REDACTED}@db.internal:5432/app`,
    ],
    [
      'a password-only URL',
      'redis://:s3cr3t@cache.internal:6379/0',
      `redis://${REDACTED}@cache.internal:6379/0`,
    ],
    [
      'a credential of another scheme',
      'Authorization: Token abcdef123456 sent',
      `Authorization: ${REDACTED} sent`,
    ],
    [
      'an assigned password',
      `retry with password=${SECRETS.password} now`,
      `retry with password=${REDACTED} now`,
    ],
    ['a token in a query string', '/callback?token=abc123&page=2', `/callback?token=${REDACTED}&page=2`],
    [
      'a quoted secret in JSON that did not parse',
      '{"db_password": "hunter2", "x',
      `{"db_password": ${REDACTED}, "x`,
    ],
    [
      'a secret after a colon',
      `client_secret: ${SECRETS.password} given`,
      `client_secret: ${REDACTED} given`,
    ],
  ])('redacts %s', (_kind, text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  it('cuts a string longer than the cap before scrubbing it and says how much it left out', () => {
    // Prepare
    const kept = `${'a'.repeat(MAX_SCRUBBED_CHARACTERS - 20)} password=hunter2`;
    const text = `${kept}${'b'.repeat(1_000)} password=never-shown`;

    // Act
    const scrubbed = scrubText(text);

    // Assess
    expect(scrubbed).toBe(
      `${'a'.repeat(MAX_SCRUBBED_CHARACTERS - 20)} password=${REDACTED}…[${text.length - MAX_SCRUBBED_CHARACTERS} more characters not scrubbed/shown]`,
    );
  });

  it('never cuts a character in half', () => {
    // Prepare
    const text = `${'a'.repeat(MAX_SCRUBBED_CHARACTERS - 1)}${'🚨'.repeat(10)}`;

    // Act
    const scrubbed = scrubText(text);

    // Assess
    expect(scrubbed).toBe(
      `${'a'.repeat(MAX_SCRUBBED_CHARACTERS - 1)}…[20 more characters not scrubbed/shown]`,
    );
  });

  it('redacts a secret the cap cuts in half', () => {
    // Prepare
    const text = `${'a '.repeat(MAX_SCRUBBED_CHARACTERS / 2 - 5)}token=${'x'.repeat(100)}`;

    // Act
    const scrubbed = scrubText(text);

    // Assess
    expect(scrubbed).not.toContain('token=x');
    expect(scrubbed).toContain(`token=${REDACTED}…[`);
  });

  it.each([
    [
      'a signature parameter (Azure SAS)',
      '/c/b?sv=2022-11-02&sp=r&sig=AbC%2Bd12ef',
      `/c/b?sv=2022-11-02&sp=r&sig=${REDACTED}`,
    ],
    ['a key parameter', '/maps?key=k3y-v4lue&q=hall', `/maps?key=${REDACTED}&q=hall`],
    ['an OAuth code', '/callback?code=4%2F0AX4&state=xyz', `/callback?code=${REDACTED}&state=xyz`],
    [
      'a URL-encoded ticket',
      'next=%2Fv1%3Fticket%3DST-1234%26x%3D1',
      `next=%2Fv1%3Fticket%3D${REDACTED}%26x%3D1`,
    ],
    [
      'a credential-like value under a key-like name',
      'sentry_key=0123456789abcdef0123456789abcdef, sentry_version=7',
      `sentry_key=${REDACTED}, sentry_version=7`,
    ],
    [
      'a camel-case key-like name in JSON',
      '{"stripeKey":"a1B2c3D4e5F6g7H8i9"}',
      `{"stripeKey":"${REDACTED}"}`,
    ],
    ['a PHP array entry', "'db_password' => 'hunter2'", `'db_password' => ${REDACTED}`],
    [
      "a Sentry DSN's key",
      'https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/42',
      `https://${REDACTED}@o1.ingest.sentry.io/42`,
    ],
    [
      'a random segment of a path, alone',
      'GET /reset/Xk9fT2qZaB3cD4eF5gH6iJ7kL8mN9oP0 404',
      `GET /reset/${REDACTED} 404`,
    ],
    [
      'a base64 secret whose slashes are its own',
      'aws wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY1 used',
      `aws ${REDACTED} used`,
    ],
  ])('redacts %s', (_kind, text, expected) => {
    expect(scrubText(text)).toBe(expected);
  });

  it.each([
    ['key-like names with ordinary values', 'cache_key=org-1:events partition_key=org-1 status_code=503'],
    ['an idempotency key that is a UUID', 'idempotency_key=2b7f0c1e-4d3a-4b2c-9e8f-1a2b3c4d5e6f'],
    [
      "a Secrets Manager secret's ARN",
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-AbCdEf',
    ],
    [
      "a Lambda function's generated name",
      'SignUpFlowMonitoring-production-ApiFunctionCE271BD4-4q7TNsJ3lFGx',
    ],
    [
      'a commit SHA and a trace id',
      'release 9fceb02d0ae598e95dc970b74767f19372d61af8 trace 1-6748a1f0-3c2d1e0f9a8b7c6d5e4f3a2b',
    ],
    ['a user name in a URL', 'git clone https://ci@localhost:8443/signupflow.git'],
  ])('leaves %s readable', (_kind, text) => {
    expect(scrubText(text)).toBe(text);
  });

  it('leaves ordinary text alone', () => {
    const text = 'GET /api/events?organization_id=org-1&limit=20 answered 200 in 12 ms';
    expect(scrubText(text)).toBe(text);
  });
});

describe('scrub', () => {
  it('replaces values under sensitive keys whatever their case or nesting', () => {
    // Prepare
    const input = {
      headers: {
        Authorization: 'anything',
        Cookie: 'sid=1',
        'Set-Cookie': ['a=b'],
        'x-api-key': 'k',
        accept: '*/*',
      },
      user: { password: 'p', name: 'Jane', credentials: { user: 'u' } },
      config: { sentryDsn: 'https://k@o.ingest.sentry.io/1', slack_webhook: 'x', client_secret: 's' },
    };

    // Act
    const scrubbed = scrub(input);

    // Assess
    expect(scrubbed).toEqual({
      headers: {
        Authorization: REDACTED,
        Cookie: REDACTED,
        'Set-Cookie': REDACTED,
        'x-api-key': REDACTED,
        accept: '*/*',
      },
      user: { password: REDACTED, name: 'Jane', credentials: REDACTED },
      config: { sentryDsn: REDACTED, slack_webhook: REDACTED, client_secret: REDACTED },
    });
    expect(input.user.password).toBe('p');
  });

  it('replaces a credential-like value under a key-like name, and keeps an ordinary one', () => {
    // Act
    const scrubbed = scrub({ sentry_key: '0123456789abcdef0123456789abcdef', cache_key: 'org-1', apiKey: 3 });

    // Assess
    expect(scrubbed).toEqual({ sentry_key: REDACTED, cache_key: 'org-1', apiKey: REDACTED });
  });

  it('scrubs errors and survives cycles', () => {
    // Prepare
    const cyclic: Record<string, unknown> = { error: new Error(`bad login for ${SECRETS.email}`) };
    cyclic.self = cyclic;

    // Act
    const scrubbed = scrub(cyclic) as { error: { message: string }; self: unknown };

    // Assess
    expect(scrubbed.error.message).toBe(`bad login for ${REDACTED}`);
    expect(scrubbed.self).toBe('[Circular]');
  });
});

describe('scrub, on deeply nested values', () => {
  it('survives JSON nested 2,000 deep and shows what lies beyond the depth limit as a placeholder', () => {
    // Prepare
    const text = `${'{"a":'.repeat(2_000)}"password=hunter2"${'}'.repeat(2_000)}`;
    const parsed = JSON.parse(text);

    // Act
    const scrubbed = JSON.stringify(scrub(parsed));

    // Assess
    expect(scrubbed).not.toContain('hunter2');
    expect(scrubbed).toBe(
      `${'{"a":'.repeat(MAX_SCRUBBED_DEPTH)}${JSON.stringify(NESTED_TOO_DEEP)}${'}'.repeat(MAX_SCRUBBED_DEPTH)}`,
    );
  });

  it('scrubs everything up to the depth limit', () => {
    // Prepare
    let nested: unknown = ['password=hunter2'];
    for (let level = 1; level < MAX_SCRUBBED_DEPTH; level++) nested = { a: nested };

    // Act
    const scrubbed = JSON.stringify(scrub(nested));

    // Assess
    expect(scrubbed).toContain(`["password=${REDACTED}"]`);
    expect(scrubbed).not.toContain(NESTED_TOO_DEEP);
  });
});

describe('isSensitiveKey', () => {
  it.each([
    'pass',
    'db_pass',
    'auth',
    'x-auth',
    'pwd',
    'passphrase',
    'sessionId',
    'JSESSIONID',
    'X-Amz-Signature',
  ])('takes %s for a secret', (key) => {
    expect(isSensitiveKey(key)).toBe(true);
  });

  it.each(['passenger', 'author', 'bypass', 'oauthProvider', 'name', 'secretsManager'])(
    'takes %s for no secret',
    (key) => {
      expect(isSensitiveKey(key)).toBe(false);
    },
  );
});

describe('scrubReplacer', () => {
  it('scrubs a whole JSON document the way Logger serialises it', () => {
    // Prepare
    const log = { message: `token for ${SECRETS.email}`, token: SECRETS.bearerToken, nested: { apiKey: 1 } };

    // Act
    const text = JSON.stringify(log, scrubReplacer);

    // Assess
    expect(JSON.parse(text)).toEqual({
      message: `token for ${REDACTED}`,
      token: REDACTED,
      nested: { apiKey: REDACTED },
    });
  });
});
