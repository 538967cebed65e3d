import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { MonitoringKey } from '../../lib/monitoring-key';
import {
  ObservedFunction,
  SHUTDOWN_SIGNAL_EXTENSION,
  shutdownSignalExtensionCommand,
} from '../../lib/observed-function';

const ROOT = path.resolve(__dirname, '..', '..');

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('ObservedFunction', () => {
  let outdir: string;
  let stack: Stack;
  let template: Template;
  let functions: ObservedFunction[];

  beforeAll(() => {
    outdir = mkdtempSync(path.join(os.tmpdir(), 'observed-function-test-'));
    const context = JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
    const app = new App({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Observed', { env: { account: '123456789012', region: 'eu-west-1' } });
    const config = loadStageConfig('dev');
    const key = new MonitoringKey(stack, 'MonitoringKey', { config }).key;
    const aggregating = new ObservedFunction(stack, 'Aggregating', {
      config,
      key,
      functionDir: 'health',
      description: 'holds metrics',
    });
    const writingAtOnce = new ObservedFunction(stack, 'WritingAtOnce', {
      config,
      key,
      functionDir: 'slack-notifier',
      description: 'writes metrics every invocation',
      environment: { METRICS_FLUSH_INTERVAL_SECONDS: '0' },
    });
    functions = [aggregating, writingAtOnce];
    template = Template.fromStack(stack);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('preloads the extension in a function that holds metrics between invocations', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'holds metrics',
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: `--import /var/task/${SHUTDOWN_SIGNAL_EXTENSION}`,
          METRICS_FLUSH_INTERVAL_SECONDS: '60',
        }),
      },
    });
  });

  it('leaves it out where every invocation writes its metrics, as nothing is pending at shutdown', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'writes metrics every invocation',
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: Match.absent() }) },
    });
  });

  it('copies the extension beside the bundle, where NODE_OPTIONS finds it', () => {
    // Prepare
    const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'observed-function-bundle-'));

    // Act
    execSync(shutdownSignalExtensionCommand(ROOT, bundleDir));

    // Assess
    const copied = readFileSync(path.join(bundleDir, SHUTDOWN_SIGNAL_EXTENSION), 'utf8');
    expect(copied).toBe(readFileSync(path.join(ROOT, 'lambdas/shared', SHUTDOWN_SIGNAL_EXTENSION), 'utf8'));
    rmSync(bundleDir, { recursive: true, force: true });
  });

  it('may create log streams and put log events in its own log group, or it would log nothing in AWS', () => {
    for (const fn of functions) {
      // Prepare
      const roleId = stack.getLogicalId(fn.role?.node.defaultChild as never);
      const logGroupId = stack.getLogicalId(fn.functionLogGroup.node.defaultChild as never);
      // Act
      const statements = Object.values(
        template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
      ).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
      const logWrites = statements.filter((statement) =>
        [statement.Action].flat().some((action) => action.startsWith('logs:')),
      );
      // Assess
      expect(logWrites, fn.node.path).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        },
      ]);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: fn === functions[0] ? 'holds metrics' : 'writes metrics every invocation',
        LoggingConfig: { LogGroup: { Ref: logGroupId }, LogFormat: 'JSON' },
      });
    }
  });
});
