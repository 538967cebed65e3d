import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { HANDLER_RESERVE_MS } from '../../lambdas/alert-evaluator/handler';
import { RunDeadline } from '../../lambdas/alert-evaluator/run-deadline';
import { LAMBDA_POOL_SETTINGS } from '../../lambdas/shared/database';
import { AWS_CALL_BUDGETS, worstCaseMs } from '../../lambdas/shared/deadlines';
import { DEFAULT_DELIVERY_OPTIONS } from '../../lambdas/slack-notifier/delivery';
import { RESERVED_MS } from '../../lambdas/slack-notifier/sns-to-slack';
import { loadStageConfig, parseStageConfig } from '../../lib/config';
import { SignUpFlowMonitoringStack } from '../../lib/signupflow-monitoring-stack';
import { cdkJsonContext } from '../support/synth';

const WRITE_TOKEN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/influx-write-AbC123';
const READ_TOKEN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/influx-read-XyZ789';

describe('deadlines and tokens as the stack deploys them', () => {
  // Prepare: the dev stage with InfluxDB, its export's write token and Flux rules' read-only token
  const config = {
    ...loadStageConfig('dev'),
    influxdb: {
      url: 'https://influx.signupflow.example',
      org: 'signupflow',
      bucket: 'monitoring',
      tokenSecretArn: WRITE_TOKEN,
      readTokenSecretArn: READ_TOKEN,
    },
  };
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new SignUpFlowMonitoringStack(app, 'SignUpFlowMonitoring-deadlines', {
    config,
    env: { account: '123456789012', region: 'eu-west-1' },
  });
  const template = Template.fromStack(stack);

  const functionNamed = (description: RegExp) => {
    const found = Object.values(template.findResources('AWS::Lambda::Function')).find((fn) =>
      description.test(String(fn.Properties.Description)),
    );
    if (!found) throw new Error(`no function described ${description}`);
    return {
      timeoutMs: Number(found.Properties.Timeout) * 1_000,
      environment: found.Properties.Environment?.Variables as Record<string, unknown>,
    };
  };

  it("gives Flux rules their read-only token, apart from the export's write token", () => {
    const evaluator = functionNamed(/alert evaluator/);
    expect(evaluator.environment).toMatchObject({
      INFLUXDB_TOKEN_SECRET_ARN: WRITE_TOKEN,
      INFLUXDB_READ_TOKEN_SECRET_ARN: READ_TOKEN,
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: Match.arrayWith([READ_TOKEN, WRITE_TOKEN]),
          }),
        ]),
      },
    });
  });

  it('refuses a read token that is not a complete secret ARN', () => {
    expect(() =>
      parseStageConfig({ ...config, influxdb: { ...config.influxdb, readTokenSecretArn: 'influx-read' } }),
    ).toThrow('influxdb.readTokenSecretArn: must be a Secrets Manager secret ARN');
  });

  it("fits each function's outside calls, each at its worst, inside the function's timeout", () => {
    const secretRead = worstCaseMs(AWS_CALL_BUDGETS.secretsManager);
    // /metrics: the token secret, then one Redis read
    const exporter = functionNamed(/GET \/metrics/);
    expect(secretRead + Number(exporter.environment.METRICS_REDIS_TIMEOUT_MS)).toBeLessThan(
      exporter.timeoutMs,
    );
    // The API: a cold read of the database password, connecting, one query
    const api = functionNamed(/SignUpFlow API/);
    expect(
      secretRead +
        Number(LAMBDA_POOL_SETTINGS.connectionTimeoutMillis) +
        Number(LAMBDA_POOL_SETTINGS.query_timeout),
    ).toBeLessThan(api.timeoutMs);
    // Health: the whole check, and a cold read of the database password before it
    const health = functionNamed(/health checks/);
    expect(Number(health.environment.HEALTH_CHECK_TIMEOUT) * 1_000 + secretRead).toBeLessThan(
      health.timeoutMs,
    );
    // The notifier: the dead-letter send at its worst is kept back, and Slack gets at least one whole attempt
    const notifier = functionNamed(/Posts alerts/);
    expect(worstCaseMs(AWS_CALL_BUDGETS.deadLetterQueue)).toBeLessThan(RESERVED_MS);
    expect(notifier.timeoutMs - RESERVED_MS).toBeGreaterThan(DEFAULT_DELIVERY_OPTIONS.requestTimeoutMs);
    // The evaluator: its reserve, and time to read metrics for at least one whole CloudWatch attempt
    const evaluator = functionNamed(/alert evaluator/);
    const runBudgetMs = evaluator.timeoutMs - HANDLER_RESERVE_MS;
    expect(runBudgetMs * RunDeadline.READ_SHARE).toBeGreaterThan(
      AWS_CALL_BUDGETS.cloudWatch.requestTimeoutMs,
    );
    expect(runBudgetMs * (RunDeadline.PUBLISH_SHARE - RunDeadline.READ_SHARE)).toBeGreaterThan(
      AWS_CALL_BUDGETS.sns.requestTimeoutMs,
    );
  });
});
