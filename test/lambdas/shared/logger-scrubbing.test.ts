import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_SCRUBBED_CHARACTERS, REDACTED } from '../../../lambdas/shared/scrubber';
import { captureOutput } from '../../support/output';

type Observability = typeof import('../../../lambdas/shared/observability');

/** A blow-up guard (see scrubber-blow-up.test.ts), not a benchmark. */
const GUARD_MS = 2_000;

/**
 * The path of issue 11: a cursor that `Date.parse` accepts and Postgres rejects comes back in Postgres's
 * error, and `logger.error` scrubs its message and stack. 5 KB of it once took 17 s.
 */
describe('logging an error that echoes hostile outside text', () => {
  let logger: Observability['logger'];

  beforeAll(async () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'signupflow');
    vi.stubEnv('LOG_LEVEL', 'INFO');
    ({ logger } = await import('../../../lambdas/shared/observability'));
  });

  it.each([5_000, 256 * 1024])(
    'logs a %i-character cursor of key words quickly, scrubbed and cut',
    (length) => {
      // Prepare
      const cursor = `Thu Jan 01 1970 00:00:00 GMT+0000 (${'password'.repeat(length / 8)}) password=hunter2`;
      const error = new Error(`invalid input syntax for type timestamp with time zone: "${cursor}"`);

      // Act
      const output = captureOutput();
      const started = performance.now();
      logger.error('Listing events failed', error);
      const elapsedMs = performance.now() - started;
      output.restore();

      // Assess
      expect(elapsedMs).toBeLessThan(GUARD_MS);
      const [record] = output.records() as { error: { message: string } }[];
      expect(record?.error.message).not.toContain('hunter2');
      if (cursor.length > MAX_SCRUBBED_CHARACTERS) {
        expect(record?.error.message).toMatch(/…\[\d+ more characters not scrubbed\/shown\]$/);
      } else {
        expect(record?.error.message).toContain(`password=${REDACTED}`);
      }
    },
  );
});
