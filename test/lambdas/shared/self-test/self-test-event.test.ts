import { describe, expect, it } from 'vitest';
import { isSelfTestEvent } from '../../../../lambdas/shared/self-test/self-test-event';
import { httpApiEvent, scheduledEvent } from '../../../support/lambda-events';
import { snsEvent } from '../../slack-notifier/fixtures';

/** CloudFormation's custom resource event, as CDK's provider framework hands it to the schema migrator. */
const schemaResourceEvent = {
  RequestType: 'Update',
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:signupflow-dev-schema-provider',
  ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x',
  StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/SignUpFlowMonitoring-dev/1',
  RequestId: 'c6b1f8e0-0000-4000-8000-000000000004',
  LogicalResourceId: 'SchemaMigrationSchema',
  PhysicalResourceId: 'signupflow-schema',
  ResourceType: 'Custom::SignUpFlowSchema',
  ResourceProperties: { ServiceToken: 'x', Migrations: '006_runbook_links.sql' },
};

describe('isSelfTestEvent: what `npm run verify` invokes a function with', () => {
  it('takes a self-test without a test alert', () => {
    expect(isSelfTestEvent({ selfTest: {} })).toBe(true);
  });

  it('takes a self-test that asks for a test alert', () => {
    expect(isSelfTestEvent({ selfTest: { testAlertId: 'verify-20261208-7f3a9c' } })).toBe(true);
  });

  it.each([
    ['an HTTP API request', httpApiEvent('GET /api/events')],
    ['an EventBridge schedule', scheduledEvent()],
    ['an SNS notification', snsEvent('evaluator-critical-firing')],
    ['the schema custom resource', schemaResourceEvent],
    ['null', null],
    ['a string', 'selfTest'],
    ['an array', [{ selfTest: {} }]],
  ])("never takes a function's usual event for one: %s", (_name, event) => {
    expect(isSelfTestEvent(event)).toBe(false);
  });

  it.each([
    ['an id in capitals', { selfTest: { testAlertId: 'Verify-Run-1' } }],
    ['an id too short', { selfTest: { testAlertId: 'run-1' } }],
    ['an id that is no string', { selfTest: { testAlertId: 12345678 } }],
    ['a selfTest that is no object', { selfTest: true }],
  ])(
    'refuses a malformed self-test with an error rather than taking it for the usual event: %s',
    (_name, event) => {
      expect(() => isSelfTestEvent(event)).toThrow(/^Invalid self-test event: selfTest/);
    },
  );
});
