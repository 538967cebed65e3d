import { describe, expect, it } from 'vitest';
import { exporterSettings, tokenSource } from '../../../lambdas/metrics-exporter/settings';

describe('the exporter settings', () => {
  it('reads the token from the secret in AWS, from METRICS_TOKEN locally, and is open locally without either', () => {
    // Act
    const sources = [
      tokenSource({
        METRICS_TOKEN_SECRET_ARN: 'arn:secret',
        METRICS_TOKEN: 'ignored',
        AWS_LAMBDA_FUNCTION_NAME: 'f',
      }),
      tokenSource({ METRICS_TOKEN: 'local-token' }),
      tokenSource({}),
    ];

    // Assess
    expect(sources).toEqual([
      { kind: 'secret', secretArn: 'arn:secret' },
      { kind: 'environment', token: 'local-token' },
      { kind: 'open' },
    ]);
  });

  it('never serves an open /metrics in Lambda', () => {
    // Act
    const read = () => tokenSource({ AWS_LAMBDA_FUNCTION_NAME: 'signupflow-dev-metrics-exporter' });

    // Assess
    expect(read).toThrow('METRICS_TOKEN_SECRET_ARN is not set: /metrics is never open in AWS');
  });

  it('names the snapshot key after the service and stage, and refuses a timeout that is not positive', () => {
    // Act
    const settings = exporterSettings({ POWERTOOLS_SERVICE_NAME: 'signupflow', STAGE: 'dev' });
    const invalid = () =>
      exporterSettings({
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        STAGE: 'dev',
        METRICS_REDIS_TIMEOUT_MS: '0',
      });

    // Assess
    expect(settings).toEqual({
      snapshotKey: 'signupflow:dev:metrics-snapshot',
      redisTimeoutMs: 1_000,
      token: { kind: 'open' },
    });
    expect(invalid).toThrow('METRICS_REDIS_TIMEOUT_MS must be a positive number of milliseconds');
  });
});
