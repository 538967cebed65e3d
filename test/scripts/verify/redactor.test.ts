import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../scripts/verify/redactor';

describe('the verify output redactor', () => {
  it("replaces a secret URL, its path alone and a DSN's key wherever they appear, and keeps hosts", () => {
    // Prepare
    const redactor = new Redactor();
    redactor.addSecretUrl('https://hooks.example.com/services/T01/B02/abcdefSECRET');
    redactor.addSecretUrl('https://0123456789abcdef@o1.ingest.sentry.io/42');
    const text = [
      'posted to hooks.example.com',
      'url https://hooks.example.com/services/T01/B02/abcdefSECRET',
      'path /services/T01/B02/abcdefSECRET',
      'key 0123456789abcdef at o1.ingest.sentry.io',
    ].join('\n');

    // Act
    const redacted = redactor.apply(text);

    // Assess
    expect(redacted).toBe(
      [
        'posted to hooks.example.com',
        'url [REDACTED]',
        'path [REDACTED]',
        'key [REDACTED] at o1.ingest.sentry.io',
      ].join('\n'),
    );
  });

  it("replaces any piece of a secret URL's path that a peer's error echoes, and keeps its route words", () => {
    // Prepare
    const redactor = new Redactor();
    redactor.addSecretUrl('https://hooks.example.com/services/T000/B000/SECRETXYZ');

    // Act
    const redacted = redactor.apply(
      'HTTP 404 (no_service for B000/SECRETXYZ)\nHTTP 403 (invalid_token SECRETX)\nservices ok',
    );

    // Assess
    expect(redacted).toBe(
      'HTTP 404 (no_service for [REDACTED]/[REDACTED])\nHTTP 403 (invalid_token [REDACTED])\nservices ok',
    );
  });

  it('takes only the password of a connection string, and what the shared scrubber recognises', () => {
    // Prepare
    const redactor = new Redactor();
    redactor.addPasswordOf('postgres://monitor:s3cret-pass@db.internal:5432/signupflow');
    redactor.add('influx-token-value');

    // Act
    const redacted = redactor.apply(
      'db.internal:5432/signupflow as monitor, s3cret-pass; influx-token-value; Authorization: Bearer abc.def',
    );

    // Assess
    expect(redacted).toMatch(
      /^db\.internal:5432\/signupflow as monitor, \[REDACTED\]; \[REDACTED\]; Authorization: /,
    );
    expect(redacted).not.toContain('abc.def');
  });
});
