import { type CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { type Check, failed, ok } from './check';
import type { DeployedStack } from './deployed-stack';
import { nameList } from './name-list';

const ALARM_TYPES = new Set(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm']);

interface AlarmState {
  name: string;
  state: string;
}

/**
 * Every alarm the stack declares exists in CloudWatch (read by the stack's alarm name prefix), and none is in
 * INSUFFICIENT_DATA: an alarm without data points cannot fire, usually because nothing emits its metric.
 */
export function alarmsCheck(
  cloudWatch: CloudWatchClient,
  stack: DeployedStack,
  alarmNamePrefix: string,
): Check {
  return {
    name: 'Alarms',
    fix: "verify needs cloudwatch:DescribeAlarms in the stack's account and region",
    run: async (signal) => {
      const named = await describeAlarms(cloudWatch, alarmNamePrefix, signal);
      const found = new Map(named.map((alarm) => [alarm.name, alarm]));
      const declared = stack.resources
        .filter((resource) => ALARM_TYPES.has(resource.type))
        .map((r) => r.physicalId);
      // The prefix also matches another stage whose name starts with this one's (dev, dev-eu): judge only
      // the stack's own alarms when it declares any.
      const own = new Set(declared);
      const alarms = declared.length > 0 ? named.filter((alarm) => own.has(alarm.name)) : named;
      const missing = declared.filter((name) => !found.has(name));
      const insufficient = alarms
        .filter((alarm) => alarm.state === 'INSUFFICIENT_DATA')
        .map((alarm) => alarm.name);
      if (declared.length === 0 && named.length === 0) {
        return failed(
          `no alarm named ${alarmNamePrefix}*`,
          'deploy the stack (README, Deploy): it creates the alarms',
        );
      }
      if (missing.length > 0) {
        return failed(
          `${missing.length} of the stack's ${declared.length} alarms missing in CloudWatch: ${nameList(missing)}`,
          'an alarm was deleted outside CloudFormation: deploy the stack again to recreate it (or, if the deploy sees no change, detect drift in the CloudFormation console and re-create it)',
        );
      }
      if (insufficient.length > 0) {
        return failed(
          `${insufficient.length} of ${alarms.length} alarms in INSUFFICIENT_DATA (no data points for their metric): ${nameList(insufficient)}`,
          "a new alarm needs a few minutes of data; otherwise check that what it watches runs and emits its metric (the health probe and evaluator schedules, the functions; the alarm's namespace and dimensions), docs/MONITORING_RUNBOOK.md has a section per alarm",
        );
      }
      const inAlarm = alarms.filter((alarm) => alarm.state === 'ALARM').length;
      return ok(
        `${alarms.length} alarms exist, each with data (${inAlarm} in ALARM, ${alarms.length - inAlarm} OK)`,
      );
    },
  };
}

async function describeAlarms(
  client: CloudWatchClient,
  prefix: string,
  abortSignal: AbortSignal,
): Promise<AlarmState[]> {
  const alarms: AlarmState[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeAlarmsCommand({
        AlarmNamePrefix: prefix,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        MaxRecords: 100,
        NextToken: nextToken,
      }),
      { abortSignal },
    );
    for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
      if (alarm.AlarmName) alarms.push({ name: alarm.AlarmName, state: alarm.StateValue ?? 'UNKNOWN' });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return alarms;
}
