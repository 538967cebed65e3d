import { describe, expect, it } from 'vitest';
import { REDACTED, scrubText } from '../../../lambdas/shared/scrubber';
import { SECRET_FORMATS } from '../../../lambdas/shared/secret-formats';
import { GITLEAKS_RULE_IDS, otherCoverage } from '../../fixtures/gitleaks-checklist';
import { secretFormatSamples } from '../../fixtures/secret-format-samples';
import { leaks } from '../../support/secret-corpus';

const samples = secretFormatSamples();
const formatSamples = SECRET_FORMATS.flatMap((format) =>
  (samples[format.name] ?? []).map((sample) => ({ name: format.name, pattern: format.pattern, sample })),
);

describe('the catalogue of vendor token formats', () => {
  it.each(SECRET_FORMATS.map(({ name }) => name))('has realistic samples of %s', (name) => {
    expect(samples[name]?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(formatSamples)('recognises $sample as $name by its own pattern', ({ pattern, sample }) => {
    // Act
    const matches = sample.match(new RegExp(pattern.source, 'g'));

    // Assess: the format itself takes the whole token, not the random-token fallback.
    expect(matches).toEqual([sample]);
  });

  it.each(formatSamples)('redacts $name inside a message, leaving the words around it', ({ sample }) => {
    // Act
    const scrubbed = scrubText(`deploy failed: ${sample} was refused`);

    // Assess
    expect(scrubbed).toBe(`deploy failed: ${REDACTED} was refused`);
  });
});

describe('the checklist the catalogue follows (gitleaks’ default rules)', () => {
  const covered = new Set(SECRET_FORMATS.flatMap((format) => format.gitleaks));
  const others = otherCoverage();

  it('accounts for every rule: by a format, a key, a URL, or as no secret', () => {
    // Act
    const unaccounted = GITLEAKS_RULE_IDS.filter((id) => !covered.has(id) && !others[id]);
    const twice = GITLEAKS_RULE_IDS.filter((id) => covered.has(id) && others[id]);

    // Assess
    expect(unaccounted).toEqual([]);
    expect(twice).toEqual([]);
  });

  it('names only rules of the checklist in the formats', () => {
    const ids = new Set<string>(GITLEAKS_RULE_IDS);
    expect([...covered].filter((id) => !ids.has(id))).toEqual([]);
  });

  const byContext = Object.entries(others).flatMap(([id, coverage]) =>
    coverage && 'text' in coverage ? [{ id, ...coverage }] : [],
  );

  it.each(byContext)('redacts $id by the $by it stands in: $text', ({ text, secret }) => {
    // Act
    const scrubbed = scrubText(text);

    // Assess
    expect(leaks(scrubbed, secret), scrubbed).toBe(false);
  });
});
