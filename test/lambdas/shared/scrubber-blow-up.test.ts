import { describe, expect, it } from 'vitest';
import { MAX_SCRUBBED_CHARACTERS, redactSecrets, scrubText } from '../../../lambdas/shared/scrubber';
import { ADVERSARIAL_LENGTH, adversarialTexts } from '../../support/adversarial-text';

/**
 * A guard against blow-up, not a benchmark (`npm run bench` has the figures): far above normal timings, which
 * are tens of milliseconds for 256 KB, and far below what a backtracking pattern takes (minutes).
 */
const GUARD_MS = 2_000;

describe('scrubbing runs in linear time', () => {
  it.each(adversarialTexts())('scrubs 256 KB of $name, uncut, in under 2 s', ({ text }) => {
    // Prepare
    expect(text).toHaveLength(ADVERSARIAL_LENGTH);

    // Act
    const started = performance.now();
    redactSecrets(text);
    const elapsedMs = performance.now() - started;

    // Assess
    expect(elapsedMs).toBeLessThan(GUARD_MS);
  });

  it('cuts a long string before scrubbing it, so the cap bounds the work too', () => {
    // Prepare
    const text = `password=${'x'.repeat(ADVERSARIAL_LENGTH)}`;

    // Act
    const scrubbed = scrubText(text);

    // Assess
    expect(scrubbed).toBe(
      `password=[REDACTED]…[${text.length - MAX_SCRUBBED_CHARACTERS} more characters not scrubbed/shown]`,
    );
  });
});
