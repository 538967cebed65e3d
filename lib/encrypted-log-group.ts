import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';
import { keptInProduction } from './removal-policy';

/**
 * Every log group of the stack: created explicitly, KMS-encrypted, with the stage's retention. Standard class
 * unless told otherwise: Infrequent Access halves ingestion but extracts no EMF metrics and takes no metric
 * filters or Live Tail, so it fits only a group that carries no metrics (the API's access logs).
 */
export function createEncryptedLogGroup(
  scope: Construct,
  id: string,
  props: { config: StageConfig; key: kms.IKey; logGroupClass?: logs.LogGroupClass },
): logs.LogGroup {
  return new logs.LogGroup(scope, id, {
    encryptionKey: props.key,
    logGroupClass: props.logGroupClass,
    retention: props.config.logRetentionDays as logs.RetentionDays,
    removalPolicy: keptInProduction(props.config),
  });
}
