import { Arn, ArnFormat, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import { importSecret } from './imported-secret';

/** Where Lambda's Node.js runtime keeps Amazon's CA certificates, RDS's included. */
export const LAMBDA_CA_CERTS = '/var/runtime/ca-cert.pem';

/**
 * How functions reach SignUpFlow's Postgres: the endpoint as environment variables and the password in a
 * Secrets Manager secret (key `password`) that only granted functions read. A stage that names no secret
 * gets one with a random password, never in the template, for the database team to set or replace.
 */
export class DatabaseAccess extends Construct {
  readonly passwordSecret: secretsmanager.ISecret;
  readonly environment: Record<string, string>;
  readonly #passwordSecretKey: kms.IKey | undefined;

  constructor(scope: Construct, id: string, props: { config: StageConfig; key: kms.IKey }) {
    super(scope, id);
    const { database, serviceName, stage } = props.config;

    if (database.passwordSecretArn) {
      this.passwordSecret = importSecret(this, 'PasswordSecret', database.passwordSecretArn);
      if (database.passwordSecretKeyArn) {
        this.#passwordSecretKey = kms.Key.fromKeyArn(
          this,
          'PasswordSecretKey',
          database.passwordSecretKeyArn,
        );
      }
    } else {
      const created = new secretsmanager.Secret(this, 'PasswordSecret', {
        description: `Password of ${database.user} on ${database.host}/${database.name}, used by ${serviceName} monitoring (${stage})`,
        encryptionKey: props.key,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: database.user }),
          generateStringKey: 'password',
          excludePunctuation: true,
          passwordLength: 32,
        },
      });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The database user belongs to the SignUpFlow database, which rotates it (RDS-managed rotation); production stages set passwordSecretArn to that secret.',
      });
      this.passwordSecret = created;
    }

    this.environment = {
      DATABASE_HOST: database.host,
      DATABASE_PORT: String(database.port),
      DATABASE_NAME: database.name,
      DATABASE_USER: database.user,
      DATABASE_PASSWORD_SECRET_ARN: this.passwordSecret.secretArn,
      // Lambda's Node.js runtimes trust Amazon's RDS certificates only when Node is pointed at them.
      NODE_EXTRA_CA_CERTS: LAMBDA_CA_CERTS,
    };
  }

  grantRead(grantee: iam.IGrantable): void {
    this.passwordSecret.grantRead(grantee);
    if (this.#passwordSecretKey) {
      // The database team's key decrypts more than this secret: the grant holds only for decryption that
      // Secrets Manager asks for on the function's behalf, in the secret's region, never a direct kms:Decrypt.
      const { region } = Arn.split(this.passwordSecret.secretArn, ArnFormat.COLON_RESOURCE_NAME);
      iam.Grant.addToPrincipal({
        grantee,
        actions: ['kms:Decrypt'],
        resourceArns: [this.#passwordSecretKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      });
    }
  }
}
