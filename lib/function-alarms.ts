import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { describeAlarm } from './runbook';

/** The p99 duration alarm fires above this share of the timeout: a function that close is about to time out. */
export const DURATION_ALARM_SHARE_OF_TIMEOUT = 0.8;

export interface FunctionAlarmsProps {
  fn: lambda.IFunction;
  timeout: Duration;
  /** Prefix of the alarm names, e.g. `signupflow-dev-api`: the name on-call staff read in Slack. */
  alarmNamePrefix: string;
}

/** The standard alarms of every observed function: errors, throttles and p99 duration near the timeout. */
export function createFunctionAlarms(scope: Construct, props: FunctionAlarmsProps): cloudwatch.Alarm[] {
  const { fn, timeout, alarmNamePrefix } = props;
  const period = Duration.minutes(5);
  const common = {
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
  const durationThresholdMs = Math.floor(timeout.toMilliseconds() * DURATION_ALARM_SHARE_OF_TIMEOUT);
  return [
    new cloudwatch.Alarm(scope, 'ErrorsAlarm', {
      ...common,
      alarmName: `${alarmNamePrefix}-errors`,
      alarmDescription: describeAlarm(
        `${alarmNamePrefix} failed at least once in 5 minutes (Lambda Errors metric).`,
        'functionErrors',
      ),
      metric: fn.metricErrors({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }),
    new cloudwatch.Alarm(scope, 'ThrottlesAlarm', {
      ...common,
      alarmName: `${alarmNamePrefix}-throttles`,
      alarmDescription: describeAlarm(
        `${alarmNamePrefix} was throttled in the last 5 minutes: raise its concurrency or the account's.`,
        'functionThrottles',
      ),
      metric: fn.metricThrottles({ period, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    }),
    new cloudwatch.Alarm(scope, 'DurationAlarm', {
      ...common,
      alarmName: `${alarmNamePrefix}-duration-p99`,
      alarmDescription: describeAlarm(
        `${alarmNamePrefix} p99 duration is above ${durationThresholdMs} ms, 80% of its ${timeout.toSeconds()} s timeout.`,
        'functionDuration',
      ),
      metric: fn.metricDuration({ period, statistic: cloudwatch.Stats.p(99) }),
      threshold: durationThresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    }),
  ];
}
