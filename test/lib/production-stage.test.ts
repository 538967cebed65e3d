import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';
import { TemplateNetwork } from '../support/template-network';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('the production stack', () => {
  let synthesized: SynthesizedStack;
  /** The project's own functions (`lambdas/`), not CDK's provider framework that calls the schema migrator. */
  const projectFunctions = () => {
    const network = new TemplateNetwork(synthesized.template);
    return [...network.functions().values()].map((id) => network.resource(id) as unknown as Resource);
  };

  beforeAll(() => {
    synthesized = synthesizeStack('production');
  });
  afterAll(() => synthesized?.cleanup());

  it('passes cdk-nag AwsSolutions', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('keeps the key and every log group when the stack is deleted, but not after a rolled-back first create', () => {
    const retained = [
      ...Object.values(synthesized.template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>),
      ...Object.values(synthesized.template.findResources('AWS::KMS::Key') as Record<string, Resource>),
    ];
    for (const resource of retained) expect(resource.DeletionPolicy).toBe('RetainExceptOnCreate');
  });

  it('never keeps a named resource after a rolled-back create, so that the retry does not find it existing', () => {
    // Prepare: what has a name of its own that a second create would collide with
    const NAME_KEYS = [
      'QueueName',
      'Name',
      'TopicName',
      'AliasName',
      'LogGroupName',
      'FunctionName',
      'AlarmName',
    ];
    const named = Object.entries(synthesized.template.toJSON().Resources as Record<string, Resource>).filter(
      ([, resource]) => NAME_KEYS.some((key) => typeof resource.Properties?.[key] === 'string'),
    );

    // Assess
    expect(named.length).toBeGreaterThan(20);
    const kept = named.filter(([, resource]) => resource.DeletionPolicy === 'Retain');
    expect(kept.map(([id]) => id)).toEqual([]);
    const webhookSecrets = named.filter(([id]) => id.startsWith('AlertingWebhook'));
    expect(webhookSecrets.map(([, resource]) => resource.DeletionPolicy)).toEqual([
      'RetainExceptOnCreate',
      'RetainExceptOnCreate',
    ]);
  });

  it('keeps logs for the production retention, filtering no application line below INFO', () => {
    // EMF documents carry no level and Lambda files them as INFO: a WARN filter would drop every metric.
    synthesized.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    for (const fn of projectFunctions()) {
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        SystemLogLevel: 'WARN',
        ApplicationLogLevel: 'INFO',
      });
    }
  });

  it('does not let anyone call the test error anonymously', () => {
    synthesized.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/trigger-test-error',
      AuthorizationType: 'AWS_IAM',
    });
  });

  it('traces API requests only when the caller sampled them, and every other function actively', () => {
    synthesized.template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'SignUpFlow API: events of an organisation, and the test error',
      TracingConfig: { Mode: 'PassThrough' },
    });
    const others = projectFunctions().filter(
      (fn) => !String(fn.Properties.Description).startsWith('SignUpFlow API'),
    );
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const fn of others) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });
});
