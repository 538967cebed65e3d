import { describe, expect, it } from 'vitest';
import { categorizeError } from '../../../lambdas/health/error-category';
import { ietfBody, quickStartBody, wantsHealthJson } from '../../../lambdas/health/health-body';
import type { HealthReport } from '../../../lambdas/health/health-check';
import { ProbeTimeoutError, UnexpectedReplyError } from '../../../lambdas/health/probe';
import { healthSettings } from '../../../lambdas/health/settings';

const report = (databaseMs: number, redis: { healthy: boolean; error?: 'timeout' }): HealthReport => ({
  healthy: redis.healthy,
  timestamp: '2026-11-29T12:00:00.000Z',
  components: [
    { component: 'database', healthy: true, responseTimeMs: databaseMs, timeoutMs: 2_000 },
    { component: 'redis', responseTimeMs: 1_000, timeoutMs: 1_000, ...redis },
  ],
});

describe('health bodies', () => {
  it('reports a healthy but slow component (over half its timeout) as warn in the IETF form only', () => {
    // Prepare
    const database = { component: 'database', healthy: true, timeoutMs: 2_000 } as const;
    const redis = { component: 'redis', healthy: true, responseTimeMs: 5, timeoutMs: 1_000 } as const;
    const at = '2026-11-29T12:00:00.000Z';
    const fast: HealthReport = {
      healthy: true,
      timestamp: at,
      components: [{ ...database, responseTimeMs: 10 }, redis],
    };
    const slow: HealthReport = { ...fast, components: [{ ...database, responseTimeMs: 1_500 }, redis] };

    // Act & Assess
    expect(ietfBody(fast, 'r1').status).toBe('pass');
    expect(ietfBody(slow, 'r1').status).toBe('warn');
    expect(ietfBody(slow, 'r1').checks['postgres:responseTime']).toMatchObject([{ status: 'warn' }]);
    expect(quickStartBody(slow).status).toBe('healthy');
  });

  it('fails the IETF form and marks the quick start component with its error category', () => {
    // Act
    const failing = report(5, { healthy: false, error: 'timeout' });

    // Assess
    expect(ietfBody(failing, 'r1')).toMatchObject({
      status: 'fail',
      checks: { 'redis:responseTime': [{ status: 'fail', output: 'timeout' }] },
    });
    expect(quickStartBody(failing).components.redis).toEqual({
      status: 'unhealthy',
      response_time_ms: 1_000,
      error: 'timeout',
    });
  });

  it.each([
    ['application/health+json', true],
    ['application/json, application/health+json;q=0.9', true],
    ['Application/Health+JSON', true],
    ['application/health+json;q=0', false],
    ['application/json', false],
    ['*/*', false],
    [undefined, false],
  ])('reads Accept %s as asking for the IETF form: %s', (accept, expected) => {
    expect(wantsHealthJson(accept)).toBe(expected);
  });
});

describe('error categories', () => {
  it.each([
    [new ProbeTimeoutError('x'), 'timeout'],
    [new UnexpectedReplyError('x'), 'unexpected reply'],
    [
      Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
      'connection refused',
    ],
    [
      Object.assign(new Error('getaddrinfo ENOTFOUND db.internal'), { code: 'ENOTFOUND' }),
      'dns lookup failed',
    ],
    [
      Object.assign(new Error('password authentication failed for user "x"'), { code: '28P01' }),
      'authentication failed',
    ],
    [new Error('WRONGPASS invalid username-password pair or user is disabled.'), 'authentication failed'],
    [new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })]), 'connection refused'],
    [new Error('something new'), 'unavailable'],
  ])('maps %s to %s', (error, category) => {
    expect(categorizeError(error)).toBe(category);
  });
});

describe('health settings', () => {
  it('defaults to 3 s overall, 2 s for the database, 1 s for Redis, and reuses a result for 5 s', () => {
    expect(healthSettings({})).toEqual({
      totalTimeoutMs: 3_000,
      databaseTimeoutMs: 2_000,
      redisTimeoutMs: 1_000,
      cacheMs: 5_000,
    });
  });

  it('takes HEALTH_CACHE_SECONDS, 0 included, and rejects a negative one', () => {
    expect(healthSettings({ HEALTH_CACHE_SECONDS: '0' }).cacheMs).toBe(0);
    expect(healthSettings({ HEALTH_CACHE_SECONDS: '2.5' }).cacheMs).toBe(2_500);
    expect(() => healthSettings({ HEALTH_CACHE_SECONDS: '-1' })).toThrow(/HEALTH_CACHE_SECONDS/);
  });

  it('bounds each component by HEALTH_CHECK_TIMEOUT and rejects values that are not positive numbers', () => {
    expect(healthSettings({ HEALTH_CHECK_TIMEOUT: '1.5', HEALTH_DATABASE_TIMEOUT_MS: '5000' })).toMatchObject(
      {
        totalTimeoutMs: 1_500,
        databaseTimeoutMs: 1_500,
      },
    );
    expect(() => healthSettings({ HEALTH_REDIS_TIMEOUT_MS: 'soon' })).toThrow(/HEALTH_REDIS_TIMEOUT_MS/);
  });
});
