import { describe, expect, it } from 'vitest';
import { scrubText } from '../../../lambdas/shared/scrubber';
import { measureCorpus } from '../../support/secret-corpus';

/**
 * The scrubber measured on its corpus (test/support/secret-corpus.ts): every secret of every family found, and
 * none of the ordinary tokens on-call needs (request, trace and event ids, UUIDs, ARNs, resource names,
 * numbers, digests, words) redacted. `npm run bench` prints the same figures.
 */
const figures = measureCorpus(scrubText);

describe('the scrubber on its corpus', () => {
  it('measures every family of secrets and every kind of ordinary token', () => {
    expect(figures.filter((figure) => figure.kind === 'secrets').length).toBeGreaterThanOrEqual(15);
    expect(figures.filter((figure) => figure.kind === 'ordinary').length).toBeGreaterThanOrEqual(8);
  });

  it.each(figures.filter((figure) => figure.kind === 'secrets'))(
    'finds every secret: $category ($total)',
    ({ count, total, examples }) => {
      expect(count, `leaked in: ${examples.join('\n')}`).toBe(total);
    },
  );

  it.each(figures.filter((figure) => figure.kind === 'ordinary'))(
    'leaves every ordinary token readable: $category ($total)',
    ({ count, examples }) => {
      expect(count, `wrongly redacted: ${examples.join('\n')}`).toBe(0);
    },
  );
});
