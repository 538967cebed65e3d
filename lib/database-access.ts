import { Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import type { PostgresEndpoint } from './data-stores';
import { grantSecretRead, importKeyedSecret, type KeyedSecret } from './imported-secret';

/** Where Lambda's Node.js runtime keeps Amazon's CA certificates, RDS's included. */
export const LAMBDA_CA_CERTS = '/var/runtime/ca-cert.pem';

export interface DatabaseAccessProps {
  config: StageConfig;
  key: kms.IKey;
  endpoint: PostgresEndpoint;
  /** The login of the deploy-time migration, which creates the monitoring role with the password below. */
  adminSecret: KeyedSecret;
}

/**
 * How functions reach Postgres: the endpoint as environment variables and the monitoring role's password in
 * a Secrets Manager secret (key `password`) that only granted functions read. A stage that names no secret
 * gets one with a generated password, never in the template, which the deploy-time migration sets on the role.
 */
export class DatabaseAccess extends Construct {
  readonly passwordSecret: secretsmanager.ISecret;
  readonly adminSecret: KeyedSecret;
  readonly endpoint: PostgresEndpoint;
  /** The endpoint, the monitoring role and its password secret, for every function that queries Postgres. */
  readonly environment: Record<string, string>;
  readonly #password: KeyedSecret;

  constructor(scope: Construct, id: string, props: DatabaseAccessProps) {
    super(scope, id);
    const { config, endpoint } = props;
    const { database, serviceName, stage } = config;
    this.endpoint = endpoint;
    this.adminSecret = props.adminSecret;

    if (database.source === 'existing' && database.passwordSecretArn) {
      this.#password = importKeyedSecret(
        this,
        'PasswordSecret',
        database.passwordSecretArn,
        database.passwordSecretKeyArn,
      );
    } else {
      const created = new secretsmanager.Secret(this, 'PasswordSecret', {
        description: `Password of the Postgres role ${endpoint.user} of ${serviceName} monitoring (${stage}); the deploy-time migration sets it on the role`,
        encryptionKey: props.key,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ username: endpoint.user }),
          generateStringKey: 'password',
          excludePunctuation: true,
          passwordLength: 32,
        },
      });
      Validations.of(created).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The deploy-time migration sets this password on the role at each release; a stage that rotates it names its own secret (passwordSecretArn), which the database team rotates (RDS-managed rotation).',
      });
      this.#password = { secret: created };
    }
    this.passwordSecret = this.#password.secret;

    this.environment = {
      DATABASE_HOST: endpoint.host,
      DATABASE_PORT: String(endpoint.port),
      DATABASE_NAME: endpoint.name,
      DATABASE_USER: endpoint.user,
      DATABASE_PASSWORD_SECRET_ARN: this.passwordSecret.secretArn,
      ...(endpoint.tlsServerName && { DATABASE_TLS_SERVER_NAME: endpoint.tlsServerName }),
      // Lambda's Node.js runtimes trust Amazon's RDS certificates only when Node is pointed at them.
      NODE_EXTRA_CA_CERTS: LAMBDA_CA_CERTS,
    };
  }

  /** Lets a function read the monitoring role's password. */
  grantRead(grantee: iam.IGrantable): void {
    grantSecretRead(this.#password, grantee);
  }

  /** Lets the deploy-time migration read the admin login (and the password it sets on the role). */
  grantAdminRead(grantee: iam.IGrantable): void {
    grantSecretRead(this.adminSecret, grantee);
    this.grantRead(grantee);
  }
}
