import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

describe('the production stack', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthesizeStack('production');
  });
  afterAll(() => synthesized?.cleanup());

  it('passes cdk-nag AwsSolutions', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });

  it('keeps the key and every log group when the stack is deleted', () => {
    const retained = [
      ...Object.values(synthesized.template.findResources('AWS::Logs::LogGroup') as Record<string, Resource>),
      ...Object.values(synthesized.template.findResources('AWS::KMS::Key') as Record<string, Resource>),
    ];
    for (const resource of retained) expect(resource.DeletionPolicy).toBe('Retain');
  });

  it('keeps logs for the production retention, filtering no application line below INFO', () => {
    // EMF documents carry no level and Lambda files them as INFO: a WARN filter would drop every metric.
    synthesized.template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    synthesized.template.allResourcesProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' },
    });
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
    const others = Object.values(
      synthesized.template.findResources('AWS::Lambda::Function') as Record<string, Resource>,
    ).filter((fn) => !String(fn.Properties.Description).startsWith('SignUpFlow API'));
    expect(others.length).toBeGreaterThanOrEqual(2);
    for (const fn of others) expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
  });
});
