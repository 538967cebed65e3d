import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import { importKeyedSecret, type KeyedSecret } from './imported-secret';
import type { MonitoringNetwork } from './monitoring-network';

/** Where the functions find Postgres: the endpoint, and the name its certificate carries when that differs. */
export interface PostgresEndpoint {
  host: string;
  port: number;
  tlsServerName?: string;
  name: string;
  /** The monitoring role the functions log in as. */
  user: string;
}

export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  tlsServerName?: string;
}

const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;

/**
 * Postgres and Redis as the functions reach them. By default SignUpFlow's own, named by the stage (endpoints,
 * secrets, security groups); in the sandbox, the smallest working ones, created here in the sandbox's VPC:
 * RDS for PostgreSQL on a db.t4g.micro and ElastiCache for Valkey on one cache.t4g.micro node, TLS on both.
 * Either way the network's client groups are let in on exactly their ports.
 */
export class DataStores extends Construct {
  readonly postgres: PostgresEndpoint;
  readonly redis: RedisEndpoint;
  /** The login of the deploy-time migration: a role that owns the schema and may create roles. */
  readonly adminSecret: KeyedSecret;
  /** Redis's AUTH user and password, when it asks for them. */
  readonly redisAuth: KeyedSecret | undefined;
  /** What must exist before the migration connects: the sandbox's database; nothing for existing stores. */
  readonly readiness: Construct[];

  constructor(
    scope: Construct,
    id: string,
    props: { config: StageConfig; key: kms.IKey; network: MonitoringNetwork },
  ) {
    super(scope, id);
    const { config, key, network } = props;
    const { database, redis } = config;

    if (database.source === 'existing') {
      this.postgres = {
        host: database.host,
        port: database.port,
        name: database.name,
        user: database.user,
        ...(database.tlsServerName && { tlsServerName: database.tlsServerName }),
      };
      this.adminSecret = importKeyedSecret(
        this,
        'AdminSecret',
        database.adminSecretArn,
        database.adminSecretKeyArn,
      );
      const databaseGroup = importedGroup(this, 'PostgresSecurityGroup', database.securityGroupId);
      network.connectPostgres(database.port, databaseGroup);
      if (database.clientSecurityGroupId) {
        network.joinClients(
          'postgres',
          importedGroup(this, 'PostgresClientGroup', database.clientSecurityGroupId),
        );
      }
      // The migration connects once the database lets its clients in: the ingress rule is the group's child.
      this.readiness = databaseGroup ? [databaseGroup] : [];
    } else {
      const postgres = sandboxPostgres(this, config, key, network);
      this.postgres = {
        host: postgres.dbInstanceEndpointAddress,
        port: POSTGRES_PORT,
        name: database.name,
        user: database.user,
      };
      this.adminSecret = { secret: postgres.secret as NonNullable<typeof postgres.secret> };
      // The instance and its group, whose child is the rule that lets the clients in.
      this.readiness = [postgres, ...postgres.connections.securityGroups];
    }

    if (redis.source === 'existing') {
      this.redis = {
        host: redis.host,
        port: redis.port,
        tls: redis.tls,
        ...(redis.tlsServerName && { tlsServerName: redis.tlsServerName }),
      };
      this.redisAuth = redis.authSecretArn
        ? importKeyedSecret(this, 'RedisAuthSecret', redis.authSecretArn, redis.authSecretKeyArn)
        : undefined;
      network.connectRedis(redis.port, importedGroup(this, 'RedisSecurityGroup', redis.securityGroupId));
      if (redis.clientSecurityGroupId) {
        network.joinClients('redis', importedGroup(this, 'RedisClientGroup', redis.clientSecurityGroupId));
      }
    } else {
      const cache = sandboxValkey(this, config, network);
      this.redis = { host: cache.attrPrimaryEndPointAddress, port: REDIS_PORT, tls: true };
      this.redisAuth = undefined;
    }
  }
}

/** Another team's security group: the stack adds ingress rules to it, or the functions join it. */
function importedGroup(scope: Construct, id: string, securityGroupId: string): ec2.ISecurityGroup;
function importedGroup(
  scope: Construct,
  id: string,
  securityGroupId: string | undefined,
): ec2.ISecurityGroup | undefined;
function importedGroup(scope: Construct, id: string, securityGroupId: string | undefined) {
  return securityGroupId
    ? ec2.SecurityGroup.fromSecurityGroupId(scope, id, securityGroupId, { allowAllOutbound: false })
    : undefined;
}

function sandboxPostgres(
  scope: Construct,
  config: StageConfig,
  key: kms.IKey,
  network: MonitoringNetwork,
): rds.DatabaseInstance {
  const group = new ec2.SecurityGroup(scope, 'PostgresSecurityGroup', {
    vpc: network.vpc,
    description: `${config.serviceName} monitoring (${config.stage}): the sandbox Postgres, in from its clients only`,
    allowAllOutbound: false,
  });
  network.connectPostgres(POSTGRES_PORT, group);
  const instance = new rds.DatabaseInstance(scope, 'Postgres', {
    // The major version only: RDS picks its current minor, and upgrades it in the maintenance window.
    engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.of('17', '17') }),
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    vpc: network.vpc,
    vpcSubnets: { subnets: network.subnets },
    securityGroups: [group],
    port: POSTGRES_PORT,
    databaseName: config.database.name,
    credentials: rds.Credentials.fromGeneratedSecret('signupflow_admin', { encryptionKey: key }),
    allocatedStorage: 20,
    storageType: rds.StorageType.GP3,
    storageEncrypted: true,
    multiAz: false,
    publiclyAccessible: false,
    caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
    backupRetention: Duration.days(1),
    deleteAutomatedBackups: true,
    deletionProtection: false,
    autoMinorVersionUpgrade: true,
    // A sandbox is thrown away whole: no final snapshot to pay for.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const nag = Validations.of(instance);
  const sandbox = 'The sandbox stage is the smallest working data plane for trying the stack out';
  nag.acknowledge({ id: 'AwsSolutions-RDS3', reason: `${sandbox}: one AZ, not Multi-AZ.` });
  nag.acknowledge({ id: 'AwsSolutions-RDS10', reason: `${sandbox}: it is deleted with the stack.` });
  nag.acknowledge({
    id: 'AwsSolutions-RDS11',
    reason: `${sandbox}: the port is reachable only from its client security group.`,
  });
  nag.acknowledge({
    id: 'AwsSolutions-SMG4',
    reason: `${sandbox}: its admin secret is read only by the deploy-time migration.`,
  });
  return instance;
}

function sandboxValkey(
  scope: Construct,
  config: StageConfig,
  network: MonitoringNetwork,
): elasticache.CfnReplicationGroup {
  const group = new ec2.SecurityGroup(scope, 'RedisSecurityGroup', {
    vpc: network.vpc,
    description: `${config.serviceName} monitoring (${config.stage}): the sandbox Redis, in from its clients only`,
    allowAllOutbound: false,
  });
  network.connectRedis(REDIS_PORT, group);
  const subnets = new elasticache.CfnSubnetGroup(scope, 'RedisSubnets', {
    description: `${config.serviceName} monitoring (${config.stage}): the private subnets of the sandbox Redis`,
    subnetIds: network.subnets.map((subnet) => subnet.subnetId),
  });
  // One node with cluster mode off: the functions' clients are standalone (ElastiCache Serverless is cluster
  // mode only), and the node is the cheapest Valkey that stays up.
  const cache = new elasticache.CfnReplicationGroup(scope, 'Redis', {
    replicationGroupDescription: `${config.serviceName} monitoring (${config.stage}): the sandbox Redis`,
    engine: 'valkey',
    engineVersion: '8.0',
    cacheNodeType: 'cache.t4g.micro',
    numCacheClusters: 1,
    automaticFailoverEnabled: false,
    multiAzEnabled: false,
    transitEncryptionEnabled: true,
    atRestEncryptionEnabled: true,
    port: REDIS_PORT,
    cacheSubnetGroupName: subnets.ref,
    securityGroupIds: [group.securityGroupId],
    snapshotRetentionLimit: 0,
  });
  const nag = Validations.of(cache);
  const sandbox = 'The sandbox stage is the smallest working data plane for trying the stack out';
  nag.acknowledge({ id: 'AwsSolutions-AEC4', reason: `${sandbox}: one node, not Multi-AZ.` });
  nag.acknowledge({
    id: 'AwsSolutions-AEC5',
    reason: `${sandbox}: the port is reachable only from its client security group.`,
  });
  nag.acknowledge({
    id: 'AwsSolutions-AEC6',
    reason: `${sandbox}: it holds only the /metrics snapshot, behind TLS and its security group; existing stages may set redis.authSecretArn.`,
  });
  return cache;
}
