import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type { Construct } from 'constructs';
import type { StageConfig } from './config';

export interface VpcPlacement {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  securityGroups: ec2.ISecurityGroup[];
}

/**
 * Where the functions that reach Postgres and Redis run when the stage names a VPC: its private subnets, with
 * a security group that only lets them out to Postgres, Redis and HTTPS (Secrets Manager, X-Ray, Sentry).
 */
export function createVpcPlacement(scope: Construct, config: StageConfig): VpcPlacement | undefined {
  if (!config.vpc) return undefined;
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: config.vpc.vpcId,
    availabilityZones: config.vpc.availabilityZones,
    privateSubnetIds: config.vpc.privateSubnetIds,
  });
  const subnets = config.vpc.privateSubnetIds.map((subnetId, index) =>
    ec2.Subnet.fromSubnetAttributes(scope, `PrivateSubnet${index}`, {
      subnetId,
      availabilityZone: config.vpc?.availabilityZones[index],
    }),
  );
  const securityGroup = new ec2.SecurityGroup(scope, 'FunctionsSecurityGroup', {
    vpc,
    description: `${config.serviceName} monitoring functions (${config.stage}): out to Postgres, Redis and HTTPS only`,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(config.database.port), 'Postgres');
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(config.redis.port), 'Redis');
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and Sentry over HTTPS');
  return { vpc, subnets, securityGroups: [securityGroup] };
}
