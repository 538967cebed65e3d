import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';

/** Every log group of the stack: created explicitly, KMS-encrypted, with the stage's retention. */
export function createEncryptedLogGroup(
  scope: Construct,
  id: string,
  props: { config: StageConfig; key: kms.IKey },
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    encryptionKey: props.key,
    retention: props.config.logRetentionDays as logs.RetentionDays,
    removalPolicy: props.config.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
}
