import path from 'node:path';
import { type CfnResource, CustomResource, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { migrationsChecksum } from '../lambdas/schema-migrator/migrations-checksum';
import type { StageConfig } from './config';
import type { DatabaseAccess } from './database-access';
import { createEncryptedLogGroup } from './encrypted-log-group';
import type { VpcPlacement } from './monitoring-network';
import { ObservedFunction, releaseOf } from './observed-function';

/** Long enough for a migration that rewrites a table; the deploy waits for it. */
export const MIGRATION_TIMEOUT = Duration.minutes(5);

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', 'migrations');

export interface SchemaMigrationProps {
  config: StageConfig;
  key: kms.IKey;
  database: DatabaseAccess;
  /** The private subnets and the groups that reach Postgres (and Secrets Manager). */
  vpcPlacement: VpcPlacement;
  /** What must exist before it connects: the network's routes and endpoints, the sandbox's database. */
  after: Construct[];
}

/**
 * The schema on every deploy: a function inside the VPC that applies `migrations/` (the runner of
 * `npm run migrate`) and makes the monitoring role with its password and grants, run as a custom resource
 * after the network and the database exist and before the functions that read the schema are created or
 * updated (`appliedBefore`). CloudFormation runs it again whenever a migration changes or a release is
 * deployed (`GIT_COMMIT_SHA`); its failure fails the deploy, which CloudFormation rolls back.
 *
 * CDK's provider framework calls it from outside the VPC and answers CloudFormation, so the function needs no
 * route to CloudFormation's response bucket; the framework logs to an encrypted group of the stack's and its
 * role has no AWS-managed policy.
 */
export class SchemaMigration extends Construct {
  readonly migratorFunction: ObservedFunction;
  readonly schema: CustomResource;

  constructor(scope: Construct, id: string, props: SchemaMigrationProps) {
    super(scope, id);
    const { config, key, database } = props;

    this.migratorFunction = new ObservedFunction(this, 'MigratorFunction', {
      config,
      key,
      functionDir: 'schema-migrator',
      description: 'SignUpFlow schema migration: applies migrations/ and the monitoring role at each deploy',
      timeout: MIGRATION_TIMEOUT,
      memorySize: 256,
      environment: {
        ...database.environment,
        DATABASE_ADMIN_SECRET_ARN: database.adminSecret.secret.secretArn,
        // One invocation per deploy: its metrics are written at once.
        METRICS_FLUSH_INTERVAL_SECONDS: '0',
      },
      vpcPlacement: props.vpcPlacement,
      bundledFolders: ['migrations'],
      // A failed migration fails the deploy, which is where it is seen; an alarm would only repeat it.
      alarms: false,
    });
    database.grantAdminRead(this.migratorFunction);

    const frameworkLogs = createEncryptedLogGroup(this, 'ProviderLogs', { config, key });
    const frameworkRole = new iam.Role(this, 'ProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Calls the schema migration of ${config.serviceName} monitoring (${config.stage}) for CloudFormation`,
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: this.migratorFunction,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
      // Each request and its answer, a few lines per deploy: what CloudFormation asked when a deploy fails.
      frameworkLambdaLoggingLevel: lambda.ApplicationLogLevel.INFO,
    });
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.migratorFunction.node.defaultChild as CfnResource)}.Arn>:*]`,
      reason:
        "The provider framework invokes the migrator's versions and aliases (ARN:*): one function, nothing else.",
    });

    this.schema = new CustomResource(this, 'Schema', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SchemaMigration',
      properties: {
        // A property that changes makes CloudFormation update the resource, which runs the migration.
        Release: releaseOf(this),
        MigrationsChecksum: migrationsChecksum(MIGRATIONS_DIR),
        Role: database.endpoint.user,
      },
    });
    this.schema.node.addDependency(...props.after);
  }

  /** These constructs are created or updated only once the schema and the role are in place. */
  appliedBefore(...constructs: Construct[]): void {
    for (const construct of constructs) construct.node.addDependency(this.schema);
  }
}
