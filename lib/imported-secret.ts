import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * A secret the stage names by ARN. A complete ARN ends with the 6-character suffix Secrets Manager adds; a
 * partial one (without it) is granted with a wildcard, or IAM would match nothing.
 */
export function importSecret(scope: Construct, id: string, arn: string): secretsmanager.ISecret {
  return /-[A-Za-z0-9]{6}$/.test(arn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, arn);
}
