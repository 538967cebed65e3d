import { describe, expect, it } from 'vitest';
import { regionCode } from '../../../lambdas/slack-notifier/aws-regions';
import {
  alarmConsoleUrl,
  cloudWatchAlarmSchema,
  describeTrigger,
  durationInWords,
  missingDataInWords,
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

describe('alarms without an ARN', () => {
  it.each([
    ['EU (Ireland)', 'eu-west-1'],
    ['EU - Ireland', 'eu-west-1'],
    ['Europe (Ireland)', 'eu-west-1'],
    ['US East (N. Virginia)', 'us-east-1'],
    ['US West (Oregon)', 'us-west-2'],
    ['Asia Pacific (Tokyo)', 'ap-northeast-1'],
    ['South America (São Paulo)', 'sa-east-1'],
    ['AWS GovCloud (US-East)', 'us-gov-east-1'],
    ['China (Ningxia)', 'cn-northwest-1'],
    ['eu-central-1', 'eu-central-1'],
  ])('read the region %s as %s', (name, code) => {
    expect(regionCode(name)).toBe(code);
  });

  it('know no region for a name not in the table', () => {
    expect(regionCode('Moon Base (Tranquility)')).toBeUndefined();
    expect(regionCode('x'.repeat(10_000))).toBeUndefined();
  });

  it('link to the console from the region name, in its partition, and not at all when it is unknown', () => {
    expect(alarmConsoleUrl({ AlarmName: 'api errors', Region: 'EU - Ireland' })).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/api%20errors',
    );
    expect(alarmConsoleUrl({ AlarmName: 'api errors', Region: 'China (Beijing)' })).toBe(
      'https://cn-north-1.console.amazonaws.cn/cloudwatch/home?region=cn-north-1#alarmsV2:alarm/api%20errors',
    );
    expect(alarmConsoleUrl({ AlarmName: 'api errors', Region: 'Moon Base (Tranquility)' })).toBeUndefined();
  });

  it('are read leniently: only AlarmName and NewStateValue are required', () => {
    const alarm = cloudWatchAlarmSchema.parse({
      AlarmName: 'legacy',
      NewStateValue: 'ALARM',
      AWSAccountId: 123456789012,
      Trigger: { MetricName: 'Errors', Unit: null, Threshold: 'one', Dimensions: 'none' },
    });

    expect(alarm).toMatchObject({ AlarmName: 'legacy', AWSAccountId: '123456789012' });
    expect(describeTrigger(alarm.Trigger)).toBe('Errors compared with');
  });
});

describe('missing data in words', () => {
  it.each([
    ['notBreaching', 'missing data not breaching'],
    ['- TreatMissingData:                    NonBreaching', 'missing data not breaching'],
    ['breaching', 'missing data breaching'],
    ['ignore', 'missing data ignored'],
    ['missing', undefined],
    ['', undefined],
  ])('%s reads %s', (value, words) => {
    expect(missingDataInWords(value)).toBe(words);
  });
});

describe('metric math in words', () => {
  it('names a single returned metric by its name, namespace, dimensions and statistic', () => {
    expect(
      describeTrigger({
        Metrics: [
          {
            Id: 'm1',
            ReturnData: true,
            MetricStat: {
              Metric: {
                MetricName: '5xx',
                Namespace: 'AWS/ApiGateway',
                Dimensions: [{ name: 'ApiId', value: 'a1' }],
              },
              Stat: 'Sum',
            },
          },
        ],
        Period: 60,
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
      }),
    ).toBe('metric math 5xx (AWS/ApiGateway, ApiId=a1) Sum over 1 minute > 0');
  });
});
