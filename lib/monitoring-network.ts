import { Annotations, CfnOutput, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  actionPrefix,
  CALLED_SERVICES,
  type CalledServicePrefix,
  type EndpointService,
  isCalledService,
  USED_BY_AWS_ON_BEHALF,
} from './aws-service-endpoints';
import type { StageConfig } from './config';

/** Where a function that reaches Postgres or Redis runs: the private subnets and the groups of what it reaches. */
export interface VpcPlacement {
  vpc: ec2.IVpc;
  subnets: ec2.ISubnet[];
  securityGroups: ec2.ISecurityGroup[];
}

/** What a function reaches from inside the VPC, beyond the HTTPS every one of them needs (AWS APIs). */
export interface NetworkNeeds {
  postgres?: boolean;
  redis?: boolean;
  influxDb?: boolean;
}

/** How the functions' subnets reach AWS: a NAT the VPC has, endpoints the stack creates, or the sandbox's NAT instance. */
export type Egress = 'nat' | 'endpoints' | 'nat-instance';

const SANDBOX_CIDR = '10.42.0.0/16';
/** Lambda's limit of security groups per function. */
const MAX_GROUPS_PER_FUNCTION = 5;
/** Amazon Linux 2023's smallest root volume; `npm run cost` prices it. */
export const NAT_ROOT_VOLUME_GB = 8;

/**
 * The network of the functions that reach Postgres and Redis: the stage's VPC and private subnets (or the
 * sandbox's own VPC), and one security group per thing a function reaches, so that each function's groups
 * allow exactly the ports it needs:
 * - `postgres-clients`: out to Postgres only; the database lets this group in.
 * - `redis-clients`: out to Redis only; Redis lets this group in.
 * - `https-clients`: out on 443 to the AWS APIs (and, through a NAT, Sentry), or only to the stack's endpoints.
 * - `influxdb-clients`: out to the InfluxDB URL's port (the evaluator, when the stage has InfluxDB).
 * With `egress: 'endpoints'`, `createEndpoints` adds an interface endpoint for each AWS service the VPC
 * functions' grants call, and nothing more.
 */
export class MonitoringNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.ISubnet[];
  readonly egress: Egress;
  readonly postgresClients: ec2.SecurityGroup;
  readonly redisClients: ec2.SecurityGroup;
  readonly httpsClients: ec2.SecurityGroup;
  readonly influxDbClients: ec2.SecurityGroup | undefined;
  /** Interface endpoints this stack created, by endpoint service; empty unless `egress` is `endpoints`. */
  readonly endpoints = new Map<EndpointService, ec2.InterfaceVpcEndpoint>();
  readonly #config: StageConfig;
  /** Groups of the VPC that a data store lets in already, which its clients join. */
  readonly #joined: { postgres: ec2.ISecurityGroup[]; redis: ec2.ISecurityGroup[] } = {
    postgres: [],
    redis: [],
  };
  #endpointsSecurityGroup: ec2.SecurityGroup | undefined;

  constructor(scope: Construct, id: string, props: { config: StageConfig }) {
    super(scope, id);
    const { config } = props;
    this.#config = config;
    const { network } = config;
    if (network.source === 'existing') {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: network.vpcId,
        availabilityZones: network.availabilityZones,
        privateSubnetIds: network.privateSubnetIds,
      });
      this.subnets = this.vpc.privateSubnets;
      for (const subnet of this.subnets) {
        // Nothing here reads a subnet's route table: endpoints and functions need the subnet ids only.
        Annotations.of(subnet).acknowledgeWarning(
          '@aws-cdk/aws-ec2:noSubnetRouteTableId',
          'The stack never reads the route tables of the subnets it is given',
        );
      }
      this.egress = network.egress;
    } else {
      this.vpc = sandboxVpc(this, config);
      this.subnets = this.vpc.privateSubnets;
      this.egress = 'nat-instance';
    }

    const group = (groupId: string, description: string) =>
      new ec2.SecurityGroup(this, groupId, {
        vpc: this.vpc,
        description: `${config.serviceName} monitoring (${config.stage}): ${description}`,
        allowAllOutbound: false,
      });
    this.postgresClients = group('PostgresClients', 'out to Postgres only');
    this.redisClients = group('RedisClients', 'out to Redis only');
    this.httpsClients = group(
      'HttpsClients',
      this.egress === 'endpoints'
        ? 'out on 443 to the AWS API endpoints of the stack only'
        : 'out on 443 (AWS APIs, Sentry)',
    );
    if (this.egress !== 'endpoints') {
      this.httpsClients.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(443),
        'AWS APIs and Sentry through the NAT',
      );
    } else if (network.source === 'existing' && network.existingEndpoints?.length) {
      // The VPC's own endpoints have security groups of their own, unknown here; without a NAT, 443 reaches
      // nothing outside the VPC anyway.
      this.httpsClients.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'existing endpoints of the VPC');
    }
    this.influxDbClients = config.influxdb
      ? this.#influxDbClients(group('InfluxDbClients', 'out to InfluxDB only'))
      : undefined;
    this.#warnOfUnreachableInternet();

    // Stack-level names: the deploy guide and verify read them as they are.
    new CfnOutput(Stack.of(this), 'PostgresClientsSecurityGroupId', {
      value: this.postgresClients.securityGroupId,
      description:
        'Security group of the functions that reach Postgres: the database must let it in (docs/deploy.md)',
    });
    new CfnOutput(Stack.of(this), 'RedisClientsSecurityGroupId', {
      value: this.redisClients.securityGroupId,
      description: 'Security group of the functions that reach Redis: Redis must let it in (docs/deploy.md)',
    });
  }

  /** The placement of a function that reaches what `needs` names: the private subnets and exactly its groups. */
  placementFor(needs: NetworkNeeds): VpcPlacement {
    const securityGroups = [
      this.httpsClients,
      ...(needs.postgres ? [this.postgresClients, ...this.#joined.postgres] : []),
      ...(needs.redis ? [this.redisClients, ...this.#joined.redis] : []),
      ...(needs.influxDb && this.influxDbClients ? [this.influxDbClients] : []),
    ];
    if (securityGroups.length > MAX_GROUPS_PER_FUNCTION) {
      throw new Error(
        `A function would need ${securityGroups.length} security groups, and Lambda takes ${MAX_GROUPS_PER_FUNCTION}: name the data stores' own groups (securityGroupId) instead of client groups to join`,
      );
    }
    return { vpc: this.vpc, subnets: this.subnets, securityGroups };
  }

  /**
   * Lets `postgres-clients` reach Postgres on `port`: to the database's security group when known (and that
   * group lets this one in), else to any address on that port, the database team adding the ingress rule.
   */
  connectPostgres(port: number, databaseGroup: ec2.ISecurityGroup | undefined): void {
    connect(this.postgresClients, port, databaseGroup, 'Postgres');
  }

  /** The functions that reach Postgres (or Redis) also join `group`, which that data store lets in already. */
  joinClients(store: 'postgres' | 'redis', group: ec2.ISecurityGroup): void {
    this.#joined[store].push(group);
  }

  connectRedis(port: number, redisGroup: ec2.ISecurityGroup | undefined): void {
    connect(this.redisClients, port, redisGroup, 'Redis');
  }

  /**
   * With `egress: 'endpoints'`, one interface endpoint (private DNS, in the functions' subnets) for each AWS
   * service the grants of the VPC functions call, reachable only from `https-clients`. Called once every grant
   * is made; a validation at synth fails if a grant added later needs an endpoint that is missing.
   */
  createEndpoints(vpcFunctions: lambda.Function[]): void {
    const needed = servicesCalledBy(vpcFunctions);
    this.node.addValidation({
      validate: () => {
        const missing = [...servicesCalledBy(vpcFunctions)].filter((prefix) => !this.#routes(prefix));
        return missing.map(
          (prefix) =>
            `The VPC functions call ${CALLED_SERVICES[prefix].title} (${prefix}) but have no route to it: createEndpoints() ran before that grant`,
        );
      },
    });
    if (this.egress !== 'endpoints') return;
    const existing = new Set(
      this.#config.network.source === 'existing' ? this.#config.network.existingEndpoints : [],
    );
    for (const prefix of needed) {
      const { endpoint, title } = CALLED_SERVICES[prefix];
      if (existing.has(endpoint)) continue;
      this.#endpointsSecurityGroup ??= this.#newEndpointsSecurityGroup();
      this.endpoints.set(
        endpoint,
        new ec2.InterfaceVpcEndpoint(this, `${title.replaceAll(' ', '')}Endpoint`, {
          vpc: this.vpc,
          service: new ec2.InterfaceVpcEndpointAwsService(endpoint),
          subnets: { subnets: this.subnets },
          privateDnsEnabled: true,
          securityGroups: [this.#endpointsSecurityGroup],
          open: false,
        }),
      );
    }
  }

  #routes(prefix: CalledServicePrefix): boolean {
    if (this.egress !== 'endpoints') return true;
    const { endpoint } = CALLED_SERVICES[prefix];
    const network = this.#config.network;
    return (
      this.endpoints.has(endpoint) ||
      (network.source === 'existing' && !!network.existingEndpoints?.includes(endpoint))
    );
  }

  #newEndpointsSecurityGroup(): ec2.SecurityGroup {
    const endpoints = new ec2.SecurityGroup(this, 'Endpoints', {
      vpc: this.vpc,
      description: `${this.#config.serviceName} monitoring (${this.#config.stage}): AWS API endpoints, in on 443 from its functions`,
      allowAllOutbound: false,
    });
    allowBetween(this.httpsClients, endpoints, 443, 'AWS APIs through the endpoints');
    return endpoints;
  }

  #influxDbClients(group: ec2.SecurityGroup): ec2.SecurityGroup {
    const url = new URL(this.#config.influxdb?.url as string);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port), `InfluxDB at ${url.host}`);
    return group;
  }

  /** Sentry and an InfluxDB outside the VPC need the internet, which endpoints do not give. */
  #warnOfUnreachableInternet(): void {
    if (this.egress !== 'endpoints') return;
    const { sentry, influxdb, stage } = this.#config;
    const unreachable = [
      sentry.dsn && `Sentry (sentry.dsn, ${new URL(sentry.dsn).host})`,
      influxdb && `InfluxDB (influxdb.url, ${new URL(influxdb.url).host}, unless it is inside the VPC)`,
    ].filter(Boolean);
    if (unreachable.length === 0) return;
    Annotations.of(this).addWarningV2(
      'signupflow:endpoints-without-internet',
      `Stage ${stage} has network.egress 'endpoints', which gives no route to the internet: the functions cannot reach ${unreachable.join(' or ')}. Use egress 'nat' (docs/deploy.md).`,
    );
  }
}

function connect(
  clients: ec2.SecurityGroup,
  port: number,
  peer: ec2.ISecurityGroup | undefined,
  what: string,
): void {
  if (peer) {
    allowBetween(clients, peer, port, what);
  } else {
    clients.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(port),
      `${what}: its security group lets this group in (docs/deploy.md)`,
    );
  }
}

/**
 * Lets `from` out to `to` on `port`, and `to` in from `from`. The egress is a rule of its own, never through
 * `addEgressRule`: CDK renders a rule to another group as a separate resource and drops the group's inline
 * placeholder, and a group created without inline egress gets AWS's default allow-all egress rule.
 */
function allowBetween(from: ec2.SecurityGroup, to: ec2.ISecurityGroup, port: number, what: string): void {
  new ec2.CfnSecurityGroupEgress(from, `To${to.node.id}${port}`, {
    groupId: from.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    destinationSecurityGroupId: to.securityGroupId,
    description: what,
  });
  to.addIngressRule(from, ec2.Port.tcp(port), `${what}: from ${from.node.id}`);
}

/**
 * The IAM service prefixes the functions' code calls, read from their roles' policies. A prefix that is
 * neither called by code (`CALLED_SERVICES`) nor used by AWS on the function's behalf fails here: a route for
 * it would have to be decided first.
 */
export function servicesCalledBy(functions: lambda.Function[]): Set<CalledServicePrefix> {
  const called = new Set<CalledServicePrefix>();
  for (const fn of functions) {
    for (const action of grantedActions(fn)) {
      const prefix = actionPrefix(action);
      if (!prefix || (USED_BY_AWS_ON_BEHALF as readonly string[]).includes(prefix)) continue;
      if (!isCalledService(prefix)) {
        throw new Error(
          `${fn.node.path} is granted ${action}, a service with no known route from the VPC: add '${prefix}' to CALLED_SERVICES or USED_BY_AWS_ON_BEHALF in lib/aws-service-endpoints.ts`,
        );
      }
      called.add(prefix);
    }
  }
  return called;
}

function grantedActions(fn: lambda.Function): string[] {
  const role = fn.role;
  if (!role) return [];
  const stack = Stack.of(fn);
  return role.node
    .findAll()
    .filter((child): child is iam.Policy => child instanceof iam.Policy)
    .flatMap((policy) => {
      const document = stack.resolve(policy.document.toJSON()) as {
        Statement?: { Action?: string | string[] }[];
      };
      return (document.Statement ?? []).flatMap((statement) => [statement.Action ?? []].flat());
    });
}

/**
 * The sandbox's VPC: two AZs (RDS and ElastiCache subnet groups need two), public subnets for one NAT
 * instance (t4g.nano, the cheapest route out: a NAT gateway costs ten times as much) and private subnets for
 * the functions and data stores.
 */
function sandboxVpc(scope: Construct, config: StageConfig): ec2.Vpc {
  const natInstances = ec2.NatProvider.instanceV2({
    instanceType: new ec2.InstanceType('t4g.nano'),
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    associatePublicIpAddress: true,
    // Bursts beyond the baseline are throttled, never billed: the sandbox's traffic is a few requests a minute.
    creditSpecification: ec2.CpuCredits.STANDARD,
    userData: natInstanceUserData(),
  });
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    vpcName: `${config.serviceName}-${config.stage}`,
    ipAddresses: ec2.IpAddresses.cidr(SANDBOX_CIDR),
    maxAzs: 2,
    natGateways: 1,
    natGatewayProvider: natInstances,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
    ],
  });
  natInstances.connections.allowFrom(
    ec2.Peer.ipv4(SANDBOX_CIDR),
    ec2.Port.allTraffic(),
    'forwarded out for the private subnets',
  );
  Validations.of(vpc).acknowledge({
    id: 'AwsSolutions-VPC7',
    reason:
      'The sandbox is for trying the stack out; flow logs would cost more than its network. Existing VPCs keep their own.',
  });
  for (const instance of natInstances.gatewayInstances) {
    // The NAT provider takes no block devices: its root volume (Amazon Linux 2023's /dev/xvda) is encrypted here.
    instance.instance.metadataOptions = { httpTokens: 'required', httpPutResponseHopLimit: 1 };
    instance.instance.blockDeviceMappings = [
      {
        deviceName: '/dev/xvda',
        ebs: { encrypted: true, volumeType: 'gp3', volumeSize: NAT_ROOT_VOLUME_GB },
      },
    ];
    const nag = Validations.of(instance);
    nag.acknowledge({
      id: 'AwsSolutions-EC28',
      reason: 'The sandbox NAT instance: basic monitoring is enough for it.',
    });
    nag.acknowledge({
      id: 'AwsSolutions-EC29',
      reason: 'The sandbox NAT instance is replaced by a deploy, never protected.',
    });
  }
  return vpc;
}

/**
 * What makes the NAT instance forward: CDK's commands, but the package install retried. On first boot
 * cloud-init's own dnf may hold the lock, and a failed install leaves no MASQUERADE rule and no route out,
 * which CloudFormation never notices (aws-cdk#36717). The outbound interface is read with `ip route`.
 */
export function natInstanceUserData(): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -eu',
    'for attempt in 1 2 3 4 5 6 7 8 9 10; do dnf install -y iptables-services && break; sleep 15; done',
    'rpm -q iptables-services',
    'systemctl enable --now iptables',
    'echo "net.ipv4.ip_forward=1" > /etc/sysctl.d/custom-ip-forwarding.conf',
    'sysctl -p /etc/sysctl.d/custom-ip-forwarding.conf',
    'iptables -t nat -A POSTROUTING -o "$(ip route show default | awk \'{print $5; exit}\')" -j MASQUERADE',
    'iptables -F FORWARD',
    'service iptables save',
  );
  return userData;
}
