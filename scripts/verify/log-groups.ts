import { type CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { type Check, failed, ok } from './check';
import type { DeployedStack } from './deployed-stack';
import { nameList } from './name-list';

/** Every log group the stack declares exists and is encrypted with a KMS key (`kmsKeyId`). */
export function logGroupsCheck(logs: CloudWatchLogsClient, stack: DeployedStack): Check {
  return {
    name: 'Log groups',
    fix: "verify needs logs:DescribeLogGroups in the stack's account and region",
    run: async (signal) => {
      const declared = stack.resources
        .filter((r) => r.type === 'AWS::Logs::LogGroup')
        .map((r) => r.physicalId);
      if (declared.length === 0) {
        return failed(
          `${stack.name} declares no log group`,
          'deploy the current stack (README, Deploy): it creates one per function',
        );
      }
      const groups = await Promise.all(declared.map((name) => describeLogGroup(logs, name, signal)));
      const missing = declared.filter((_name, index) => groups[index] === undefined);
      if (missing.length > 0) {
        return failed(
          `${missing.length} of ${declared.length} log groups missing: ${nameList(missing)}`,
          'a log group was deleted outside CloudFormation: deploy the stack again to recreate it',
        );
      }
      const unencrypted = declared.filter((_name, index) => !groups[index]?.kmsKeyId);
      if (unencrypted.length > 0) {
        return failed(
          `${unencrypted.length} of ${declared.length} log groups not encrypted: ${nameList(unencrypted)}`,
          "associate the stack's KMS key (its MonitoringKey resource) again: aws logs associate-kms-key --log-group-name NAME --kms-key-id KEY_ARN",
        );
      }
      return ok(`${declared.length} log groups, all encrypted with a KMS key`);
    },
  };
}

async function describeLogGroup(client: CloudWatchLogsClient, name: string, abortSignal: AbortSignal) {
  const { logGroups } = await client.send(
    new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 }),
    {
      abortSignal,
    },
  );
  return logGroups?.find((group) => group.logGroupName === name);
}
