import { describe, expect, it } from 'vitest';
import { alertMessageAttributes, alertMessageSchema } from '../../../lambdas/shared/alert-message';
import { snsEvent } from './fixtures';

const fixtures = [
  'evaluator-critical-firing',
  'evaluator-critical-resolved',
  'evaluator-critical-reminder',
  'evaluator-warning-firing',
  'evaluator-warning-resolved',
  'evaluator-info-firing',
  'evaluator-info-resolved',
  'evaluator-email-only',
];

describe('the alert message contract', () => {
  it.each(fixtures)(
    '%s satisfies the schema, and its SNS attributes are the ones the publisher sets',
    (fixture) => {
      const sns = snsEvent(fixture).Records[0]?.Sns;

      const alert = alertMessageSchema.parse(JSON.parse(sns?.Message ?? ''));

      const published = alertMessageAttributes(alert);
      const received = Object.fromEntries(
        Object.entries(published).map(([name, attribute]) => [
          name,
          { Type: attribute.DataType, Value: attribute.StringValue },
        ]),
      );
      expect(sns?.MessageAttributes).toEqual(received);
    },
  );

  it('refuses a message with a missing threshold, an unknown severity, a time without offset or no channel', () => {
    const valid = JSON.parse(snsEvent('evaluator-critical-firing').Records[0]?.Sns.Message ?? '');
    const { threshold: _threshold, ...withoutThreshold } = valid;

    for (const candidate of [
      withoutThreshold,
      { ...valid, severity: 'catastrophic' },
      { ...valid, since: '2026-11-29 13:52' },
      { ...valid, channels: [] },
      { ...valid, runbookUrl: 'javascript:alert(1)' },
    ]) {
      expect(alertMessageSchema.safeParse(candidate).success).toBe(false);
    }
  });

  it.each(['runbookUrl', 'dashboardUrl', 'sentryUrl'])(
    'refuses an http:// %s: buttons open https links only',
    (field) => {
      const valid = JSON.parse(snsEvent('evaluator-critical-firing').Records[0]?.Sns.Message ?? '');

      const result = alertMessageSchema.safeParse({ ...valid, [field]: 'http://wiki.example.org/runbook' });

      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual([field]);
    },
  );
});
