import { isIP } from 'node:net';
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { StageConfig } from '../../lib/config';
import { type Check, failed, ok, skipped } from './check';
import { nameList } from './name-list';

export interface PreflightClients {
  cloudFormation: CloudFormationClient;
  ec2: EC2Client;
  lambda: LambdaClient;
  secrets: SecretsManagerClient;
  ssm: SSMClient;
}

export interface PreflightOptions {
  config: StageConfig;
  stackName: string;
  region: string;
  clients: PreflightClients;
  /** The bootstrap qualifier of cdk.json (`@aws-cdk/core:bootstrapQualifier`), CDK's default otherwise. */
  bootstrapQualifier: string;
  /** The endpoint services the stack would create (derived from the functions' grants at synth). */
  endpointServices: () => Promise<string[]>;
  /** Resolves a host name as the operator's machine does (the data stores' names resolve publicly). */
  resolve: (host: string) => Promise<string[]>;
}

/** The bootstrap version this CDK's templates require (their CheckBootstrapVersion rule). */
export const REQUIRED_BOOTSTRAP_VERSION = 6;
/** Lambda keeps this much of the account's concurrency unreserved; a reservation that would eat into it is refused. */
export const UNRESERVED_MINIMUM = 100;

/**
 * `npm run verify -- --stage NAME --preflight`: what a first deploy needs and CloudFormation would only find out
 * half-way: the bootstrap, the network the stage names (and its route out), the data stores' security groups
 * and names, every secret the stage names, and room in the account's concurrency for what the stage reserves.
 */
export function preflightChecks(options: PreflightOptions): Check[] {
  return [
    bootstrapCheck(options),
    networkCheck(options),
    securityGroupsCheck(options),
    dataStoreNamesCheck(options),
    secretsCheck(options),
    concurrencyCheck(options),
  ];
}

function bootstrapCheck({ clients, bootstrapQualifier, region }: PreflightOptions): Check {
  const fix = `bootstrap the account and region: npx cdk bootstrap aws://ACCOUNT/${region} (docs/deploy.md)`;
  return {
    name: 'Bootstrap',
    fix,
    run: async (signal) => {
      const name = `/cdk-bootstrap/${bootstrapQualifier}/version`;
      try {
        const { Parameter } = await clients.ssm.send(new GetParameterCommand({ Name: name }), {
          abortSignal: signal,
        });
        const version = Number(Parameter?.Value);
        if (version >= REQUIRED_BOOTSTRAP_VERSION)
          return ok(`version ${version} (qualifier ${bootstrapQualifier})`);
        return failed(
          `version ${Parameter?.Value}, the stack needs ${REQUIRED_BOOTSTRAP_VERSION} or newer`,
          `${fix}: it upgrades in place`,
        );
      } catch (error) {
        if ((error as Error).name === 'ParameterNotFound')
          return failed(`no ${name} in ${region}: not bootstrapped`, fix);
        throw error;
      }
    },
  };
}

function networkCheck({ config, clients, endpointServices }: PreflightOptions): Check {
  const { network } = config;
  return {
    name: 'Network',
    fix: 'verify needs ec2:DescribeSubnets, DescribeRouteTables, DescribeVpcAttribute and DescribeVpcEndpoints',
    run: async (signal) => {
      if (network.source === 'sandbox')
        return ok('the sandbox creates its own VPC, two AZs, one NAT instance');
      const { Subnets = [] } = await clients.ec2.send(
        new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: network.privateSubnetIds }] }),
        { abortSignal: signal },
      );
      const problems: string[] = [];
      for (const [index, subnetId] of network.privateSubnetIds.entries()) {
        const subnet = Subnets.find((candidate) => candidate.SubnetId === subnetId);
        if (!subnet) problems.push(`${subnetId} does not exist`);
        else if (subnet.VpcId !== network.vpcId)
          problems.push(`${subnetId} is in ${subnet.VpcId}, not ${network.vpcId}`);
        else if (subnet.AvailabilityZone !== network.availabilityZones[index]) {
          problems.push(
            `${subnetId} is in ${subnet.AvailabilityZone}, not ${network.availabilityZones[index]} (network.availabilityZones)`,
          );
        }
      }
      if (problems.length > 0)
        return failed(
          problems.join('; '),
          'correct network.vpcId, privateSubnetIds and availabilityZones of the stage (lib/stages.ts)',
        );
      return network.egress === 'nat'
        ? natRoutes(clients.ec2, network, signal)
        : endpointsReady(clients.ec2, network, await endpointServices(), signal);
    },
  };
}

type ExistingNetwork = Extract<StageConfig['network'], { source: 'existing' }>;

/** Every subnet's route table (its own, or the VPC's main one) sends 0.0.0.0/0 to a NAT, not an internet gateway. */
async function natRoutes(ec2: EC2Client, network: ExistingNetwork, signal: AbortSignal) {
  const { RouteTables = [] } = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [network.vpcId] }] }),
    { abortSignal: signal },
  );
  const tableOf = (subnetId: string): RouteTable | undefined =>
    RouteTables.find((table) =>
      table.Associations?.some((association) => association.SubnetId === subnetId),
    ) ?? RouteTables.find((table) => table.Associations?.some((association) => association.Main));
  const problems: string[] = [];
  const routes: string[] = [];
  for (const subnetId of network.privateSubnetIds) {
    const route = tableOf(subnetId)?.Routes?.find(
      (candidate) => candidate.DestinationCidrBlock === '0.0.0.0/0',
    );
    const target =
      route?.NatGatewayId ?? route?.TransitGatewayId ?? route?.NetworkInterfaceId ?? route?.InstanceId;
    if (route?.GatewayId?.startsWith('igw-'))
      problems.push(`${subnetId} is public (0.0.0.0/0 to ${route.GatewayId})`);
    else if (!target) problems.push(`${subnetId} has no route to 0.0.0.0/0`);
    else routes.push(`${subnetId} → ${target}`);
  }
  if (problems.length > 0) {
    return failed(
      problems.join('; '),
      "network.egress 'nat' needs private subnets whose default route goes to a NAT: add one, name other subnets, or use egress 'endpoints' (docs/deploy.md)",
    );
  }
  return ok(`private subnets out through ${nameList(routes)}`);
}

/** DNS attributes on (private DNS of interface endpoints needs both), and no private-DNS endpoint the stack would collide with. */
async function endpointsReady(
  ec2: EC2Client,
  network: ExistingNetwork,
  services: string[],
  signal: AbortSignal,
) {
  const attribute = async (Attribute: 'enableDnsSupport' | 'enableDnsHostnames') => {
    const answer = await ec2.send(new DescribeVpcAttributeCommand({ VpcId: network.vpcId, Attribute }), {
      abortSignal: signal,
    });
    return (
      (Attribute === 'enableDnsSupport' ? answer.EnableDnsSupport : answer.EnableDnsHostnames)?.Value === true
    );
  };
  const [support, hostnames] = await Promise.all([
    attribute('enableDnsSupport'),
    attribute('enableDnsHostnames'),
  ]);
  if (!support || !hostnames) {
    return failed(
      `${network.vpcId} has ${[!support && 'enableDnsSupport', !hostnames && 'enableDnsHostnames'].filter(Boolean).join(' and ')} off`,
      'interface endpoints with private DNS need both on: aws ec2 modify-vpc-attribute --vpc-id VPC --enable-dns-hostnames (and --enable-dns-support)',
    );
  }
  const { VpcEndpoints = [] } = await ec2.send(
    new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-id', Values: [network.vpcId] }] }),
    { abortSignal: signal },
  );
  const own = new Set(network.existingEndpoints ?? []);
  const colliding = VpcEndpoints.filter(
    (endpoint) => endpoint.PrivateDnsEnabled && !String(endpoint.State).toLowerCase().startsWith('delet'),
  )
    .map((endpoint) => ({
      id: endpoint.VpcEndpointId,
      service: endpoint.ServiceName?.split('.').at(-1) ?? '',
    }))
    .filter((endpoint) => services.includes(endpoint.service) && !own.has(endpoint.service as never));
  if (colliding.length > 0) {
    return failed(
      `the VPC already has private-DNS endpoints for ${nameList(colliding.map((endpoint) => `${endpoint.service} (${endpoint.id})`))}`,
      `a second one with private DNS cannot be created: list ${nameList(colliding.map((endpoint) => `'${endpoint.service}'`))} in network.existingEndpoints, and let the HttpsClients group in on 443 in their security groups`,
    );
  }
  const created = services.filter((service) => !own.has(service as never));
  return ok(
    `DNS on; the stack creates the ${nameList(created)} endpoint${created.length === 1 ? '' : 's'}${own.size > 0 ? `, uses the VPC's ${nameList([...own])}` : ''}`,
  );
}

function securityGroupsCheck({ config, clients }: PreflightOptions): Check {
  const named = [
    config.database.source === 'existing' &&
      config.database.securityGroupId && {
        key: 'database.securityGroupId',
        id: config.database.securityGroupId,
      },
    config.redis.source === 'existing' &&
      config.redis.securityGroupId && { key: 'redis.securityGroupId', id: config.redis.securityGroupId },
  ].filter((entry): entry is { key: string; id: string } => Boolean(entry));
  return {
    name: 'Security groups',
    fix: 'verify needs ec2:DescribeSecurityGroups',
    run: async (signal) => {
      if (config.network.source === 'sandbox')
        return ok('the sandbox creates its data stores and their groups');
      if (named.length === 0) {
        return skipped(
          'the stage names neither data store group: the deploy adds no ingress rule',
          "let the stack's PostgresClients and RedisClients groups in on the data stores' groups after the deploy (docs/deploy.md), or name them in database.securityGroupId and redis.securityGroupId",
        );
      }
      const { SecurityGroups = [] } = await clients.ec2.send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-id', Values: named.map((entry) => entry.id) }],
        }),
        { abortSignal: signal },
      );
      const vpcId = config.network.vpcId;
      const problems = named.flatMap(({ key, id }) => {
        const group = SecurityGroups.find((candidate) => candidate.GroupId === id);
        if (!group) return [`${key} ${id} does not exist`];
        return group.VpcId === vpcId ? [] : [`${key} ${id} is in ${group.VpcId}, not ${vpcId}`];
      });
      if (problems.length > 0)
        return failed(
          problems.join('; '),
          'correct the group ids in lib/stages.ts: the stack adds its ingress rules to them',
        );
      return ok(
        `${nameList(named.map(({ key, id }) => `${key} ${id}`))} in ${vpcId}: the deploy lets the client groups in`,
      );
    },
  };
}

/** The data stores' names resolve, to private addresses: RDS and ElastiCache endpoints resolve from anywhere. */
function dataStoreNamesCheck({ config, resolve }: PreflightOptions): Check {
  return {
    name: 'Data store names',
    fix: 'check database.host and redis.host',
    run: async () => {
      if (config.database.source === 'sandbox' || config.redis.source === 'sandbox') {
        return ok('the sandbox creates its data stores');
      }
      const hosts = [
        { key: 'database.host', host: config.database.tlsServerName ?? config.database.host },
        { key: 'redis.host', host: config.redis.tlsServerName ?? config.redis.host },
      ];
      const problems: string[] = [];
      const found: string[] = [];
      for (const { key, host } of hosts) {
        let addresses: string[];
        try {
          addresses = await resolve(host);
        } catch (error) {
          problems.push(
            `${key} ${host} does not resolve (${(error as { code?: string }).code ?? 'no answer'})`,
          );
          continue;
        }
        const publicAddresses = addresses.filter((address) => !isPrivateAddress(address));
        if (publicAddresses.length > 0)
          problems.push(`${key} ${host} resolves to a public address (${publicAddresses[0]})`);
        else found.push(`${host} → ${addresses[0]}`);
      }
      if (problems.length > 0) {
        return failed(
          problems.join('; '),
          'give the endpoint that RDS and ElastiCache show (it resolves to the private address in the VPC), or its alias with tlsServerName',
        );
      }
      return ok(`resolve to private addresses: ${nameList(found)}`);
    },
  };
}

function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 6) return /^(fd|fc)/i.test(address);
  const [a = 0, b = 0] = address.split('.').map(Number);
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a === 127;
}

/** Every secret the stage names exists (DescribeSecret: its value is never read). */
/** A secret the stage names, and the key ARN setting that lets the functions decrypt it, when it has one. */
interface NamedSecret {
  key: string;
  arn: string;
  /** The stage's key setting for a customer-managed key, and its value. */
  keySetting?: { key: string; arn: string | undefined };
}

function secretsCheck({ config, clients }: PreflightOptions): Check {
  const named: NamedSecret[] = [];
  const add = (key: string, arn: string | undefined, keySetting?: NamedSecret['keySetting']) => {
    if (arn) named.push({ key, arn, ...(keySetting && { keySetting }) });
  };
  const { database, redis } = config;
  if (database.source === 'existing') {
    add('database.adminSecretArn', database.adminSecretArn, {
      key: 'database.adminSecretKeyArn',
      arn: database.adminSecretKeyArn,
    });
    add('database.passwordSecretArn', database.passwordSecretArn, {
      key: 'database.passwordSecretKeyArn',
      arn: database.passwordSecretKeyArn,
    });
  }
  if (redis.source === 'existing') {
    add('redis.authSecretArn', redis.authSecretArn, {
      key: 'redis.authSecretKeyArn',
      arn: redis.authSecretKeyArn,
    });
  }
  for (const [index, webhook] of config.slack.webhooks.entries()) {
    add(`slack.webhooks.${index}.webhookSecretArn`, webhook.webhookSecretArn);
  }
  add('influxdb.tokenSecretArn', config.influxdb?.tokenSecretArn);
  return {
    name: 'Secrets',
    fix: 'verify needs secretsmanager:DescribeSecret on the secrets the stage names',
    run: async (signal) => {
      if (named.length === 0) return ok('the stage names none: the stack creates its own');
      const problems: string[] = [];
      for (const secret of named) {
        try {
          const described = await clients.secrets.send(new DescribeSecretCommand({ SecretId: secret.arn }), {
            abortSignal: signal,
          });
          if (described.DeletedDate) problems.push(`${secret.key} is scheduled for deletion`);
          const keyProblem = customerKeyProblem(secret, described.KmsKeyId);
          if (keyProblem) problems.push(keyProblem);
        } catch (error) {
          if ((error as Error).name !== 'ResourceNotFoundException') throw error;
          problems.push(`${secret.key} does not exist`);
        }
      }
      if (problems.length > 0) {
        return failed(
          problems.join('; '),
          'create the secrets before the first deploy, or correct their ARNs in lib/stages.ts; a secret under a customer-managed key needs its key ARN setting, or a key policy that lets the functions decrypt (docs/deploy.md, "Secrets")',
        );
      }
      return ok(`${named.length} named, each exists: ${nameList(named.map((entry) => entry.key))}`);
    },
  };
}

/**
 * A secret under a customer-managed key (DescribeSecret names no key for aws/secretsmanager) is readable only
 * with that key's decrypt: granted through the stage's key setting, which must name it.
 */
function customerKeyProblem(secret: NamedSecret, kmsKeyId: string | undefined): string | undefined {
  if (!kmsKeyId || kmsKeyId.endsWith('alias/aws/secretsmanager')) return undefined;
  if (!secret.keySetting) {
    return `${secret.key} is encrypted with the customer-managed key ${kmsKeyId}, which the functions may not use: move it to aws/secretsmanager, or let their roles decrypt in the key's policy`;
  }
  if (secret.keySetting.arn === undefined) {
    return `${secret.key} is encrypted with the customer-managed key ${kmsKeyId}: name it in ${secret.keySetting.key}`;
  }
  const sameKey = secret.keySetting.arn === kmsKeyId || secret.keySetting.arn.endsWith(`/${kmsKeyId}`);
  return sameKey
    ? undefined
    : `${secret.key} is encrypted with ${kmsKeyId}, not the ${secret.keySetting.key} the stage names`;
}

/**
 * What the stage reserves fits the account: Lambda refuses a reservation that leaves fewer than 100 unreserved.
 * What the deployed stack already reserves is in the account's figure already.
 */
function concurrencyCheck({ config, clients, stackName }: PreflightOptions): Check {
  const wanted = Object.values(config.reservedConcurrency ?? {}).reduce(
    (sum: number, value) => sum + (value ?? 0),
    0,
  );
  return {
    name: 'Concurrency',
    fix: 'verify needs lambda:GetAccountSettings (and lambda:GetFunctionConcurrency for a deployed stack)',
    run: async (signal) => {
      const { AccountLimit } = await clients.lambda.send(new GetAccountSettingsCommand({}), {
        abortSignal: signal,
      });
      const quota = AccountLimit?.ConcurrentExecutions ?? 0;
      const unreserved = AccountLimit?.UnreservedConcurrentExecutions ?? 0;
      if (wanted === 0)
        return ok(`the stage reserves none; the account allows ${quota}, ${unreserved} unreserved`);
      const already = await reservedByStack(clients, stackName, signal);
      const left = unreserved - (wanted - already);
      if (left >= UNRESERVED_MINIMUM) {
        return ok(
          `the stage reserves ${wanted} of the account's ${quota}; ${left} stay unreserved (Lambda keeps ${UNRESERVED_MINIMUM})`,
        );
      }
      return failed(
        `the stage reserves ${wanted}${already > 0 ? ` (${already} already)` : ''}, which would leave ${left} of the account's ${quota} unreserved, below Lambda's ${UNRESERVED_MINIMUM}: the deploy would fail at the first function`,
        `remove reservedConcurrency from stages.${config.stage} (lib/stages.ts), or ask for a higher quota: Service Quotas, AWS Lambda, Concurrent executions (L-B99A9384)`,
      );
    },
  };
}

async function reservedByStack(
  clients: PreflightClients,
  stackName: string,
  signal: AbortSignal,
): Promise<number> {
  let names: string[];
  try {
    const { Stacks } = await clients.cloudFormation.send(
      new DescribeStacksCommand({ StackName: stackName }),
      { abortSignal: signal },
    );
    const output = Stacks?.[0]?.Outputs?.find(
      (candidate) => candidate.OutputKey === 'FunctionNames',
    )?.OutputValue;
    names = Object.values(JSON.parse(output ?? '{}') as Record<string, string>);
  } catch {
    return 0; // not deployed yet (or older than the output): nothing reserved
  }
  const reserved = await Promise.all(
    names.map(async (FunctionName) => {
      const answer = await clients.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }), {
        abortSignal: signal,
      });
      return answer.ReservedConcurrentExecutions ?? 0;
    }),
  );
  return reserved.reduce((sum, value) => sum + value, 0);
}
