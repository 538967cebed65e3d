import { describe, expect, it } from 'vitest';
import { checkBearer, MAX_AUTHORIZATION_LENGTH } from '../../../lambdas/metrics-exporter/bearer-token';

const TOKEN = 'scrape-token-4f9Qx2';

describe('the bearer token of /metrics', () => {
  it.each([
    [`Bearer ${TOKEN}`, 'granted'],
    [`bearer   ${TOKEN} `, 'granted'],
    [`Bearer ${TOKEN}x`, 'wrong'],
    [`Bearer ${TOKEN.slice(0, -1)}`, 'wrong'],
    ['Bearer ', 'missing'],
    [`Basic ${TOKEN}`, 'missing'],
    [TOKEN, 'missing'],
    ['', 'missing'],
    [undefined, 'missing'],
    [`Bearer ${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`, 'too-long'],
  ])('reads %j as %s', (header, expected) => {
    // Act
    const verdict = checkBearer(header, TOKEN);

    // Assess
    expect(verdict).toBe(expected);
  });
});
