import { describe, expect, it } from 'vitest';
import {
  alarmConsoleUrl,
  describeTrigger,
  durationInWords,
  parseCloudWatchTime,
} from '../../../lambdas/slack-notifier/cloudwatch-alarm';

describe('the console link of an alarm', () => {
  it.each([
    [
      'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:api errors',
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api%20errors',
    ],
    [
      'arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:api errors',
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/api%20errors',
    ],
    [
      'arn:aws-us-gov:cloudwatch:us-gov-east-1:123456789012:alarm:api errors',
      'https://console.amazonaws-us-gov.com/cloudwatch/home?region=us-gov-east-1#alarmsV2:alarm/api%20errors',
    ],
  ])('works in the partition of %s', (arn, url) => {
    expect(alarmConsoleUrl({ AlarmArn: arn, AlarmName: 'api errors' })).toBe(url);
  });

  it('is left out for a partition without a public console', () => {
    expect(
      alarmConsoleUrl({
        AlarmArn: 'arn:aws-iso:cloudwatch:us-iso-east-1:123456789012:alarm:x',
        AlarmName: 'x',
      }),
    ).toBeUndefined();
  });
});

describe('the condition in words', () => {
  it('names a metric math alarm by its expressions and an anomaly band by its threshold metric', () => {
    expect(
      describeTrigger({
        Metrics: [{ Id: 'e1', Expression: 'errors / requests * 100', Label: 'error rate' }],
        Period: 60,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        ComparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold',
        ThresholdMetricId: 'ad1',
      }),
    ).toBe('metric math error rate over 1 minute outside the band (ad1) in 2 of 3 periods');
  });

  it.each([
    [60, '1 minute'],
    [300, '5 minutes'],
    [3_600, '1 hour'],
    [86_400, '1 day'],
    [10, '10 seconds'],
  ])('%i seconds read as %s', (seconds, words) => {
    expect(durationInWords(seconds)).toBe(words);
  });
});

describe('CloudWatch timestamps', () => {
  it('reads the +0000 offset form CloudWatch writes, and rejects nonsense', () => {
    expect(parseCloudWatchTime('2026-11-29T14:10:32.873+0000')?.toISOString()).toBe(
      '2026-11-29T14:10:32.873Z',
    );
    expect(parseCloudWatchTime('yesterday')).toBeUndefined();
  });
});
