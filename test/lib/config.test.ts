import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadStageConfig, parseStageConfig } from '../../lib/config';
import { STAGES } from '../../lib/stages';

describe('stage configuration', () => {
  it.each(Object.keys(STAGES))('accepts the %s stage as shipped', (stage) => {
    // Act
    const config = loadStageConfig(stage);

    // Assess
    expect(config.stage).toBe(stage);
  });

  it('chooses dev when no stage is given', () => {
    expect(loadStageConfig(undefined).stage).toBe('dev');
  });

  it('names the accepted stages when an unknown one is asked for', () => {
    expect(() => loadStageConfig('prod')).toThrow(
      /stage: got 'prod', expected one of dev, staging, production/,
    );
  });

  it('names the key and the accepted values of an invalid retention', () => {
    // Prepare
    const input = { ...(STAGES.dev as object), logRetentionDays: 10 };

    // Act
    const parse = () => parseStageConfig(input, 'stages.dev');

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(/stages\.dev\.logRetentionDays: must be one of 1, 3, 5, 7, 14, 30/);
  });

  it('takes ALERT_EVALUATION_INTERVAL only in whole minutes, as EventBridge schedules run', () => {
    // Prepare
    const input = { ...(STAGES.dev as object), alertEvaluationIntervalSeconds: 90 };

    // Act
    const parse = () => parseStageConfig(input, 'stages.dev');

    // Assess
    expect(parse).toThrow(/stages\.dev\.alertEvaluationIntervalSeconds: must be a whole number of minutes/);
  });

  it('takes the metrics export cadence in whole minutes from 1 to 15', () => {
    // Prepare
    const withCadence = (minutes: number) => ({
      ...(STAGES.dev as object),
      metricsExportEveryMinutes: minutes,
    });

    // Act
    const parse = (minutes: number) => () => parseStageConfig(withCadence(minutes), 'stages.dev');

    // Assess
    expect(parse(1)().metricsExportEveryMinutes).toBe(1);
    expect(parse(15)().metricsExportEveryMinutes).toBe(15);
    for (const minutes of [0, 16, 2.5]) {
      expect(parse(minutes)).toThrow(/stages\.dev\.metricsExportEveryMinutes/);
    }
  });

  it('names a missing key', () => {
    // Prepare
    const { logLevel: _omitted, ...input } = STAGES.dev as Record<string, unknown>;

    // Assess
    expect(() => parseStageConfig(input, 'stages.dev')).toThrow(/stages\.dev\.logLevel: .*"DEBUG"\|"INFO"/);
  });

  it('rejects an application log level that would drop the EMF metrics', () => {
    // Prepare
    const input = { ...(STAGES.production as object), logLevel: 'WARN' };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.logLevel: .*"DEBUG"\|"INFO"/,
    );
  });

  it('rejects an anonymous test-error route in a production stage', () => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const input = { ...production, api: { ...production.api, testErrorRoute: 'anonymous' } };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.api\.testErrorRoute: must be 'disabled' or 'iam' in a production stage/,
    );
  });

  it('rejects a secret given as a value instead of an ARN', () => {
    // Prepare
    const dev = STAGES.dev as Record<string, Record<string, unknown>>;
    const input = {
      ...dev,
      slack: {
        alertChannel: '#alerts',
        webhooks: [{ channel: '#alerts', webhookSecretArn: 'https://hooks.slack.com/services/T/B/x' }],
      },
    };

    // Assess
    expect(() => parseStageConfig(input, 'stages.dev')).toThrow(
      /stages\.dev\.slack\.webhooks\.0\.webhookSecretArn: must be a Secrets Manager secret ARN/,
    );
  });

  it.each([
    ['a partial ARN', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-signupflow'],
    [
      'a partial ARN whose last word is short',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-pass',
    ],
  ])('rejects %s of the database secret, naming the key and what to give instead', (_case, arn) => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const input = { ...production, database: { ...production.database, passwordSecretArn: arn } };

    // Act
    const parse = () => parseStageConfig(input, 'stages.production');

    // Assess
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(
      /stages\.production\.database\.passwordSecretArn: must be the secret's complete ARN, ending in the hyphen and 6 random characters/,
    );
  });

  it.each([
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-secret-AbC123',
    'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-secret-abcdef-Xy9Z8w',
  ])('accepts the complete ARN %s', (arn) => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const input = { ...production, database: { ...production.database, passwordSecretArn: arn } };

    // Assess
    expect(parseStageConfig(input, 'stages.production').database).toMatchObject({ passwordSecretArn: arn });
  });

  it('rejects a partial webhook secret ARN too', () => {
    // Prepare
    const dev = STAGES.dev as Record<string, Record<string, unknown>>;
    const webhookSecretArn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/slack-webhook';
    const input = {
      ...dev,
      slack: { alertChannel: '#alerts', webhooks: [{ channel: '#alerts', webhookSecretArn }] },
    };

    // Assess
    expect(() => parseStageConfig(input, 'stages.dev')).toThrow(
      /stages\.dev\.slack\.webhooks\.0\.webhookSecretArn: must be the secret's complete ARN/,
    );
  });

  it('takes one subnet per availability zone', () => {
    // Prepare
    const dev = STAGES.dev as Record<string, Record<string, unknown>>;
    const input = { ...dev, network: { ...dev.network, availabilityZones: ['eu-west-1a', 'eu-west-1a'] } };

    // Assess
    expect(() => parseStageConfig(input, 'stages.dev')).toThrow(
      /stages\.dev\.network\.availabilityZones: one subnet per availability zone/,
    );
  });

  it('requires one availability zone per subnet', () => {
    // Prepare
    const dev = STAGES.dev as Record<string, Record<string, unknown>>;
    const input = {
      ...dev,
      network: {
        ...dev.network,
        availabilityZones: ['eu-west-1a'],
        privateSubnetIds: ['subnet-01', 'subnet-02'],
      },
    };

    // Assess
    expect(() => parseStageConfig(input, 'stages.dev')).toThrow(
      /stages\.dev\.network: availabilityZones and privateSubnetIds/,
    );
  });
});

describe('alarm and concurrency settings', () => {
  it('rejects an API 5xx alarm that needs more data points than it evaluates', () => {
    // Prepare
    const input = {
      ...(STAGES.dev as object),
      alarms: {
        apiServerErrors: {
          thresholdPercent: 5,
          periodSeconds: 60,
          evaluationPeriods: 3,
          datapointsToAlarm: 4,
        },
      },
    };

    // Act
    const parse = () => parseStageConfig(input, 'stages.dev');

    // Assess
    expect(parse).toThrow(/stages\.dev\.alarms\.apiServerErrors\.datapointsToAlarm: .*evaluationPeriods/);
  });

  it('takes reserved concurrency per function, or none, and rejects 0, which would stop the function', () => {
    // Prepare
    const { reservedConcurrency: _omitted, ...unreserved } = STAGES.dev as Record<string, unknown>;
    const stopped = { ...(STAGES.dev as object), reservedConcurrency: { health: 0 } };

    // Act
    const config = parseStageConfig(unreserved, 'stages.dev');

    // Assess
    expect(config.reservedConcurrency).toBeUndefined();
    expect(() => parseStageConfig(stopped, 'stages.dev')).toThrow(/stages\.dev\.reservedConcurrency\.health/);
  });
});

describe('network and data store settings', () => {
  it('fails the synth naming the network when a stage has none, with what to give', () => {
    // Prepare
    const { network: _omitted, ...input } = STAGES.production as Record<string, unknown>;

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.network: required: the VPC and private subnets of the functions that reach Postgres and Redis/,
    );
  });

  it('names the missing field of an existing network', () => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const { egress: _omitted, ...network } = production.network as Record<string, unknown>;

    // Assess
    expect(() => parseStageConfig({ ...production, network }, 'stages.production')).toThrow(
      /stages\.production\.network\.egress: .*"nat"\|"endpoints"/,
    );
  });

  it('requires the admin secret the deploy-time migration logs in with', () => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const { adminSecretArn: _omitted, ...database } = production.database as Record<string, unknown>;

    // Assess
    expect(() => parseStageConfig({ ...production, database }, 'stages.production')).toThrow(
      /stages\.production\.database\.adminSecretArn/,
    );
  });

  it('refuses a sandbox database in an existing network: the sandbox data stores live in their own', () => {
    // Prepare
    const production = STAGES.production as Record<string, unknown>;
    const input = {
      ...production,
      database: { source: 'sandbox', name: 'signupflow', user: 'signupflow_monitor' },
    };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.network\.source: network, database and redis must all be 'sandbox'/,
    );
  });

  it('takes existing endpoints only with egress through endpoints', () => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const input = {
      ...production,
      network: { ...production.network, existingEndpoints: ['secretsmanager'] },
    };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.network\.existingEndpoints: existingEndpoints is only for egress 'endpoints'/,
    );
  });

  it('refuses a role name the migration would have to quote', () => {
    // Prepare
    const production = STAGES.production as Record<string, Record<string, unknown>>;
    const input = { ...production, database: { ...production.database, user: 'monitor"; DROP ROLE x; --' } };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.database\.user: must be a lower-case Postgres role name/,
    );
  });
});

describe("the database's security group", () => {
  const production = STAGES.production as Record<string, Record<string, unknown>>;

  it.each([
    ['neither its group nor a client group', { securityGroupId: undefined }],
    ['both', { clientSecurityGroupId: 'sg-0c11e47a5e5e5e5e5' }],
  ])('is refused when the stage names %s: the migration could not reach Postgres', (_case, change) => {
    // Prepare
    const input = { ...production, database: { ...production.database, ...change } };

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.database\.securityGroupId: give securityGroupId .* or clientSecurityGroupId/,
    );
  });
});

describe("a stage's account and region", () => {
  it('are required of a stage that names an existing network, whose ids exist in one account and region', () => {
    // Prepare
    const { region: _omitted, ...input } = STAGES.production as Record<string, unknown>;

    // Assess
    expect(() => parseStageConfig(input, 'stages.production')).toThrow(
      /stages\.production\.region: a stage that names an existing network needs its account and region/,
    );
  });

  it('bind the stack to them, whatever the credentials at synth', async () => {
    // Prepare
    const { createApp } = await import('../../lib/app');
    vi.stubEnv('CDK_DEFAULT_ACCOUNT', '999999999999');
    vi.stubEnv('CDK_DEFAULT_REGION', 'us-east-2');

    // Act
    const production = createApp({ context: { stage: 'production', 'aws:cdk:bundling-stacks': [] } }).stack;
    const sandbox = createApp({ context: { stage: 'sandbox', 'aws:cdk:bundling-stacks': [] } }).stack;
    vi.unstubAllEnvs();

    // Assess
    expect([production.account, production.region]).toEqual(['333333333333', 'eu-west-1']);
    expect([sandbox.account, sandbox.region]).toEqual(['999999999999', 'us-east-2']);
  });
});
