import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObservedFunction } from '../../lib/observed-function';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

describe('every ObservedFunction of the stack', () => {
  let synthesized: SynthesizedStack;
  let functions: ObservedFunction[];

  beforeAll(() => {
    synthesized = synthesizeStack('dev');
    functions = synthesized.stack.node.findAll().filter((node) => node instanceof ObservedFunction);
  });
  afterAll(() => synthesized.cleanup());

  it('covers the four functions', () => {
    expect(functions.map((fn) => fn.node.path.split('/').at(-1)).sort()).toEqual([
      'ApiFunction',
      'EvaluatorFunction',
      'HealthFunction',
      'SlackNotifier',
    ]);
  });

  it('may create log streams and put log events in its own log group, or it would log nothing in AWS', () => {
    const { stack, template } = synthesized;
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
      expect(
        template.toJSON().Resources[stack.getLogicalId(fn.node.defaultChild as never)].Properties
          .LoggingConfig,
      ).toMatchObject({ LogGroup: { Ref: logGroupId }, LogFormat: 'JSON' });
    }
  });
});
