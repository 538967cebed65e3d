import { check } from 'recheck';
import { describe, expect, it } from 'vitest';
import { PATTERNS_ON_OUTSIDE_TEXT } from '../../../lambdas/shared/scrubber';

/**
 * recheck's native checker (recheck-linux-x64) answers in seconds. A fixed seed, and step limits instead of
 * its default time limits on each stage, make the fuzzer's verdict on a safe pattern the same on a busy
 * machine. A timeout is reported as `unknown`, which fails the test: a pattern too complex to check is not
 * accepted.
 */
const RECHECK = {
  timeout: 45_000,
  randomSeed: 2026,
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null,
};
/** A vulnerable pattern is confirmed sooner with the default time limits: its attack string runs for long. */
const RECHECK_DEFAULT_LIMITS = { timeout: 45_000, randomSeed: 2026 };
const TEST_TIMEOUT_MS = 60_000;

/** The key-value pattern the scrubber had before it was made linear: cubic on a run of key words. */
const OLD_KEY_VALUE = new RegExp(
  `(["']?)([\\w.-]*(?:authorization|cookie|passw(?:or)?d|secret|token|api[-_]?key|dsn|webhook|credential|private[-_]?key|connection[-_]?string)[\\w.-]*)\\1(\\s*[:=]\\s*)` +
    `(?:"[^"]*"|'[^']*'|(?:[A-Za-z][\\w-]*\\s+(?=[\\w\\-.~+/]{8,}))?[^\\s"',;&}]+)`,
  'gi',
);

/**
 * Each vendor format is checked alone: their union (`SECRET_FORMATS_PATTERN`) tries each one at the token
 * starts that format allows, and is too large for the fuzzer to answer within its limits; the blow-up test
 * times the union on texts aimed at the formats' prefixes.
 */
describe('ReDoS check of every pattern that sees outside text', () => {
  it('has patterns to check', () => {
    expect(PATTERNS_ON_OUTSIDE_TEXT.length).toBeGreaterThan(5);
  });

  it.each(PATTERNS_ON_OUTSIDE_TEXT.map((pattern) => ({ source: pattern.source, flags: pattern.flags })))(
    'finds /$source/$flags safe',
    async ({ source, flags }) => {
      // Act
      const diagnostics = await check(source, flags, RECHECK);

      // Assess
      expect(diagnostics, JSON.stringify(diagnostics)).toMatchObject({ status: 'safe' });
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'would have caught the old cubic key-value pattern',
    async () => {
      // Act
      const diagnostics = await check(OLD_KEY_VALUE.source, OLD_KEY_VALUE.flags, RECHECK_DEFAULT_LIMITS);

      // Assess
      expect(diagnostics).toMatchObject({ status: 'vulnerable', complexity: { type: 'polynomial' } });
    },
    TEST_TIMEOUT_MS,
  );
});
