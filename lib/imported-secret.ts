import { Arn, ArnFormat } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** Secret names: 1 to 512 of these characters (`!` too, for the secrets RDS manages, `rds!cluster-...`). */
const NAME_CHARACTERS = /^[A-Za-z0-9/_+=.@!-]+$/;
const SUFFIX_LENGTH = 6;
const MAX_NAME_LENGTH = 512;

/**
 * Whether `arn` has the shape of a complete secret ARN: `...:secret:` then a name, a hyphen and the 6 random
 * characters Secrets Manager adds. Why complete ARNs only, rather than names or partial ARNs:
 * - A complete ARN names exactly one secret, for IAM (the grant is that ARN, no wildcard) and for Secrets
 *   Manager (`GetSecretValue` with it finds that secret, in this account or another).
 * - A partial ARN cannot be read back reliably: when the name itself ends in a hyphen and 6 characters
 *   (`signupflow/db-secret`, `db-secret-abcdef`), Secrets Manager takes the partial ARN for a complete one and
 *   answers not-found or access-denied (its documentation, and CDK's `fromSecretNameV2`, warn of this). A
 *   grant on `<partial>-??????` would be right, but the function could still not read the secret.
 * A partial ARN of such a name has this shape too, and nothing tells it apart from a complete ARN, here or at
 * Secrets Manager: the configuration says to copy the ARN `describe-secret` shows, and every other partial ARN
 * or name is refused here instead of being denied at run time.
 */
export function isCompleteSecretArn(arn: string): boolean {
  const marker = ':secret:';
  const start = arn.indexOf(marker);
  if (start < 0) return false;
  const resource = arn.slice(start + marker.length);
  const hyphen = resource.length - SUFFIX_LENGTH - 1;
  const name = resource.slice(0, Math.max(hyphen, 0));
  const suffix = resource.slice(hyphen + 1);
  return (
    hyphen >= 1 &&
    resource[hyphen] === '-' &&
    name.length <= MAX_NAME_LENGTH &&
    NAME_CHARACTERS.test(name) &&
    /^[A-Za-z0-9]{6}$/.test(suffix)
  );
}

/** A secret the stage names by its complete ARN (validated by the stage configuration; see above). */
export function importSecret(scope: Construct, id: string, arn: string): secretsmanager.ISecret {
  if (!isCompleteSecretArn(arn)) {
    throw new Error(`${arn} is not a complete secret ARN (…:secret:NAME-AbC123): see isCompleteSecretArn`);
  }
  return secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn);
}

/** A secret and, when it has one, the customer-managed key that encrypts it. */
export interface KeyedSecret {
  secret: secretsmanager.ISecret;
  /** Only for a key the stack does not own (the database team's): the stack's own keys grant through the secret. */
  foreignKey?: kms.IKey;
}

/** A secret the stage names by ARN, with its customer-managed key when the stage names one. */
export function importKeyedSecret(scope: Construct, id: string, arn: string, keyArn?: string): KeyedSecret {
  return {
    secret: importSecret(scope, id, arn),
    ...(keyArn && { foreignKey: kms.Key.fromKeyArn(scope, `${id}Key`, keyArn) }),
  };
}

/**
 * Lets `grantee` read the secret. Another team's key decrypts more than this secret: the grant on it holds
 * only for decryption that Secrets Manager asks for on the grantee's behalf, in the secret's region, never a
 * direct kms:Decrypt.
 */
export function grantSecretRead({ secret, foreignKey }: KeyedSecret, grantee: iam.IGrantable): void {
  secret.grantRead(grantee);
  if (!foreignKey) return;
  const { region } = Arn.split(secret.secretArn, ArnFormat.COLON_RESOURCE_NAME);
  iam.Grant.addToPrincipal({
    grantee,
    actions: ['kms:Decrypt'],
    resourceArns: [foreignKey.keyArn],
    conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
  });
}
