import { describe, expect, it } from 'vitest';
import { redactKnownSecrets, webhookSecretParts } from '../../../lambdas/shared/known-secrets';
import { REDACTED } from '../../../lambdas/shared/scrubber';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/SECRETXYZ';

describe('webhookSecretParts', () => {
  it("takes every segment of the path but the route words, and the query's values", () => {
    expect(webhookSecretParts(WEBHOOK)).toEqual(['T000', 'B000', 'SECRETXYZ']);
    expect(
      webhookSecretParts('https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=K3y&token=T0k3n'),
    ).toEqual(['v1', 'AAAA1234', 'K3y', 'T0k3n']);
  });

  it('takes the whole text when it is no URL', () => {
    expect(webhookSecretParts('not a url')).toEqual(['not a url']);
  });
});

describe('redactKnownSecrets', () => {
  const parts = webhookSecretParts(WEBHOOK);

  it.each([
    [
      'the whole path',
      'no_service: /services/T000/B000/SECRETXYZ',
      `no_service: /services/${REDACTED}/${REDACTED}/${REDACTED}`,
    ],
    ["the path's last segments", 'no_service for B000/SECRETXYZ', `no_service for ${REDACTED}/${REDACTED}`],
    ['the token alone', 'invalid_token SECRETXYZ', `invalid_token ${REDACTED}`],
    ['the start of the token, cut off', 'invalid_token SECRE', `invalid_token ${REDACTED}`],
    ['the end of the token', 'bad token …RETXYZ!', `bad token …${REDACTED}!`],
  ])('removes %s', (_part, text, expected) => {
    expect(redactKnownSecrets(text, parts)).toBe(expected);
  });

  it('leaves text that shares no four characters with a secret', () => {
    const text = 'channel_is_archived (HTTP 410) at 2026-11-30T04:00:00Z';
    expect(redactKnownSecrets(text, parts)).toBe(text);
  });

  it('leaves text alone when it knows no secret', () => {
    expect(redactKnownSecrets('SECRETXYZ', [])).toBe('SECRETXYZ');
  });
});
