import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import {
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { parseVerifyArgs, verify } from '../../scripts/verify';
import { checklistLine } from '../support/verify-cli';

const ec2 = mockClient(EC2Client);
const lambda = mockClient(LambdaClient);
const ssm = mockClient(SSMClient);
const secrets = mockClient(SecretsManagerClient);
const cloudFormation = mockClient(CloudFormationClient);

const aws = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIAPREFLIGHT0000000', secretAccessKey: 'x' },
};
const clients = () => ({
  cloudFormation: new CloudFormationClient(aws),
  cloudWatch: new CloudWatchClient(aws),
  logs: new CloudWatchLogsClient(aws),
  secrets: new SecretsManagerClient(aws),
  lambda: new LambdaClient(aws),
  ec2: new EC2Client(aws),
  ssm: new SSMClient(aws),
});

const production = loadStageConfig('production');
if (production.network.source !== 'existing' || production.database.source !== 'existing') {
  throw new Error('production names an existing network and database');
}
const NETWORK = production.network;
const [SUBNET_A, SUBNET_B] = NETWORK.privateSubnetIds;

/** A route table of the VPC for `subnets` whose default route goes to `target` (a NAT, an IGW, or nowhere). */
function routeTable(subnets: string[], target: Record<string, string> | undefined, main = false): RouteTable {
  return {
    VpcId: NETWORK.vpcId,
    Associations: [...subnets.map((SubnetId) => ({ SubnetId })), ...(main ? [{ Main: true }] : [])],
    Routes: [
      { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local' },
      ...(target ? [{ DestinationCidrBlock: '0.0.0.0/0', ...target }] : []),
    ],
  };
}

/**
 * `npm run verify -- --stage production --preflight` in this process, EC2, Lambda, SSM, Secrets Manager and
 * CloudFormation replaced by aws-sdk-client-mock: an account ready for the first deploy, then each way it is not.
 */
describe('npm run verify -- --stage NAME --preflight', () => {
  let stage: StageConfig;
  let resolved: Record<string, string[]>;

  beforeEach(() => {
    for (const mock of [ec2, lambda, ssm, secrets, cloudFormation]) mock.reset();
    stage = production;
    resolved = {
      [production.database.source === 'existing' ? production.database.host : '']: ['10.0.12.34'],
      [production.redis.source === 'existing' ? production.redis.host : '']: ['10.0.13.45'],
    };
    ssm
      .on(GetParameterCommand, { Name: '/cdk-bootstrap/hnb659fds/version' })
      .resolves({ Parameter: { Value: '27' } });
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: NETWORK.privateSubnetIds.map((SubnetId, index) => ({
        SubnetId,
        VpcId: NETWORK.vpcId,
        AvailabilityZone: NETWORK.availabilityZones[index],
      })),
    });
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        routeTable([SUBNET_A as string], { NatGatewayId: 'nat-0a1' }),
        routeTable([], { NatGatewayId: 'nat-0b2' }, true),
      ],
    });
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (input: { Filters: { Values: string[] }[] }) => ({
      SecurityGroups: (input.Filters[0]?.Values ?? []).map((GroupId) => ({ GroupId, VpcId: NETWORK.vpcId })),
    }));
    secrets.on(DescribeSecretCommand).resolves({ Name: 'a-secret' });
    lambda.on(GetAccountSettingsCommand).resolves({
      AccountLimit: { ConcurrentExecutions: 1_000, UnreservedConcurrentExecutions: 1_000 },
    });
    cloudFormation.on(DescribeStacksCommand).rejects(
      Object.assign(new Error('Stack with id SignUpFlowMonitoring-production does not exist'), {
        name: 'ValidationError',
      }),
    );
  });

  const preflight = () =>
    verify(parseVerifyArgs(['--stage', 'production', '--preflight', '--timeout', '3']), {
      env: {},
      stageConfig: () => stage,
      stageClients: clients,
      endpointServices: async () => ['monitoring', 'secretsmanager', 'sns'],
      resolve: async (host) => {
        const addresses = resolved[host];
        if (!addresses)
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        return addresses;
      },
    });

  it('passes an account ready for the first deploy, naming what it found', async () => {
    // Act
    const { output, exitCode } = await preflight();

    // Assess
    expect(exitCode).toBe(0);
    expect(output.split('\n')[0]).toBe(
      'SignUpFlow monitoring: verify --stage production --preflight (SignUpFlowMonitoring-production in eu-west-1)',
    );
    expect(checklistLine(output, 'Bootstrap').line).toMatch(
      /^\[ok\] +Bootstrap +version 27 \(qualifier hnb659fds\)$/,
    );
    expect(checklistLine(output, 'Network').line).toMatch(
      new RegExp(`private subnets out through ${SUBNET_A} → nat-0a1, ${SUBNET_B} → nat-0b2$`),
    );
    expect(checklistLine(output, 'Concurrency').line).toMatch(
      /reserves 14 of the account's 1000; 986 stay unreserved/,
    );
    expect(checklistLine(output, 'Secrets').line).toMatch(/1 named, each exists: database\.adminSecretArn$/);
    expect(checklistLine(output, 'Data store names').line).toMatch(/resolve to private addresses/);
  });

  it('fails an account that is not bootstrapped, with the command to run', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(Object.assign(new Error('not found'), { name: 'ParameterNotFound' }));

    // Act
    const { output, exitCode } = await preflight();

    // Assess
    expect(exitCode).toBe(1);
    expect(checklistLine(output, 'Bootstrap')).toEqual({
      line: expect.stringMatching(/no \/cdk-bootstrap\/hnb659fds\/version in eu-west-1: not bootstrapped$/),
      fix: 'fix: bootstrap the account and region: npx cdk bootstrap aws://ACCOUNT/eu-west-1 (docs/deploy.md)',
    });
  });

  it('fails a reservation the account quota cannot give, saying what to do instead', async () => {
    // Prepare: a new account, as they often start
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 } });

    // Act
    const { output, exitCode } = await preflight();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(output, 'Concurrency');
    expect(line).toMatch(
      /reserves 14, which would leave -4 of the account's 10 unreserved, below Lambda's 100/,
    );
    expect(fix).toMatch(
      /remove reservedConcurrency from stages\.production .* Concurrent executions \(L-B99A9384\)$/,
    );
  });

  it("counts what the deployed stack reserves already: it is in the account's figure", async () => {
    // Prepare: 114 unreserved of 128, the stack's own 14 among the reserved
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 128, UnreservedConcurrentExecutions: 114 } });
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: 'SignUpFlowMonitoring-production',
          StackStatus: 'UPDATE_COMPLETE',
          CreationTime: new Date(),
          Outputs: [
            {
              OutputKey: 'FunctionNames',
              OutputValue: JSON.stringify({
                health: 'h',
                'slack-notifier': 'n',
                'alert-evaluator': 'e',
                'metrics-exporter': 'm',
              }),
            },
          ],
        },
      ],
    });
    for (const [FunctionName, reserved] of [
      ['h', 5],
      ['n', 5],
      ['e', 2],
      ['m', 2],
    ] as const) {
      lambda
        .on(GetFunctionConcurrencyCommand, { FunctionName })
        .resolves({ ReservedConcurrentExecutions: reserved });
    }

    // Act
    const { output } = await preflight();

    // Assess
    expect(checklistLine(output, 'Concurrency').line).toMatch(
      /^\[ok\] .*reserves 14 of the account's 128; 114 stay unreserved/,
    );
  });

  it('fails a private subnet whose default route goes to an internet gateway, or nowhere', async () => {
    // Prepare
    ec2.on(DescribeRouteTablesCommand).resolves({
      RouteTables: [
        routeTable([SUBNET_A as string], { GatewayId: 'igw-0c3' }),
        routeTable([SUBNET_B as string], undefined),
      ],
    });

    // Act
    const { output, exitCode } = await preflight();

    // Assess
    expect(exitCode).toBe(1);
    const { line, fix } = checklistLine(output, 'Network');
    expect(line).toMatch(
      new RegExp(
        `${SUBNET_A} is public \\(0\\.0\\.0\\.0/0 to igw-0c3\\); ${SUBNET_B} has no route to 0\\.0\\.0\\.0/0$`,
      ),
    );
    expect(fix).toMatch(/network\.egress 'nat' needs private subnets whose default route goes to a NAT/);
  });

  it('fails a subnet of another VPC or AZ than the stage says', async () => {
    // Prepare
    ec2.on(DescribeSubnetsCommand).resolves({
      Subnets: [
        { SubnetId: SUBNET_A, VpcId: 'vpc-0ffffffffffffffff', AvailabilityZone: 'eu-west-1a' },
        { SubnetId: SUBNET_B, VpcId: NETWORK.vpcId, AvailabilityZone: 'eu-west-1c' },
      ],
    });

    // Act
    const { output } = await preflight();

    // Assess
    expect(checklistLine(output, 'Network').line).toMatch(
      new RegExp(
        `${SUBNET_A} is in vpc-0ffffffffffffffff, not ${NETWORK.vpcId}; ${SUBNET_B} is in eu-west-1c, not eu-west-1b`,
      ),
    );
  });

  describe("with egress 'endpoints'", () => {
    beforeEach(() => {
      stage = { ...production, network: { ...NETWORK, egress: 'endpoints' } };
      ec2
        .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsSupport' })
        .resolves({ EnableDnsSupport: { Value: true } });
      ec2
        .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' })
        .resolves({ EnableDnsHostnames: { Value: true } });
      ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
    });

    it('passes a VPC with DNS on and no endpoint of its own for the services, naming the endpoints to create', async () => {
      // Act
      const { output } = await preflight();

      // Assess
      expect(checklistLine(output, 'Network').line).toMatch(
        /^\[ok\] +Network +DNS on; the stack creates the monitoring, secretsmanager, sns endpoints$/,
      );
    });

    it('fails a VPC with DNS hostnames off: private DNS of an endpoint needs them', async () => {
      // Prepare
      ec2
        .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' })
        .resolves({ EnableDnsHostnames: { Value: false } });

      // Act
      const { output } = await preflight();

      // Assess
      expect(checklistLine(output, 'Network').line).toMatch(
        new RegExp(`${NETWORK.vpcId} has enableDnsHostnames off$`),
      );
    });

    it('fails a VPC that already has a private-DNS endpoint the stack would create a second of', async () => {
      // Prepare
      ec2.on(DescribeVpcEndpointsCommand).resolves({
        VpcEndpoints: [
          {
            VpcEndpointId: 'vpce-0s3',
            ServiceName: 'com.amazonaws.eu-west-1.s3',
            PrivateDnsEnabled: false,
            State: 'Available',
          },
          {
            VpcEndpointId: 'vpce-0sm',
            ServiceName: 'com.amazonaws.eu-west-1.secretsmanager',
            PrivateDnsEnabled: true,
            State: 'Available',
          },
        ],
      });

      // Act
      const { output } = await preflight();

      // Assess
      const { line, fix } = checklistLine(output, 'Network');
      expect(line).toMatch(/already has private-DNS endpoints for secretsmanager \(vpce-0sm\)$/);
      expect(fix).toMatch(/list 'secretsmanager' in network\.existingEndpoints/);
    });
  });

  it('fails every secret the stage names that does not exist, by its key', async () => {
    // Prepare
    secrets
      .on(DescribeSecretCommand)
      .rejects(Object.assign(new Error('missing'), { name: 'ResourceNotFoundException' }));

    // Act
    const { output, exitCode } = await preflight();

    // Assess
    expect(exitCode).toBe(1);
    expect(checklistLine(output, 'Secrets').line).toMatch(/database\.adminSecretArn does not exist$/);
  });

  it('fails a data store name that resolves to a public address, or not at all', async () => {
    // Prepare
    resolved = { [production.database.source === 'existing' ? production.database.host : '']: ['52.18.1.2'] };

    // Act
    const { output } = await preflight();

    // Assess
    expect(checklistLine(output, 'Data store names').line).toMatch(
      /database\.host .* resolves to a public address \(52\.18\.1\.2\); redis\.host .* does not resolve \(ENOTFOUND\)$/,
    );
  });

  it('fails a data store group the stage names that is not in its VPC', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });

    // Act
    const { output } = await preflight();

    // Assess
    expect(checklistLine(output, 'Security groups').line).toMatch(
      /database\.securityGroupId sg-0a1b2c3d4e5f60718 does not exist; redis\.securityGroupId sg-0a9b8c7d6e5f40312 does not exist$/,
    );
  });

  it('takes --preflight only with --stage', () => {
    expect(() => parseVerifyArgs(['--local', '--preflight'])).toThrow(
      /--preflight checks a stage before its deploy: give --stage NAME/,
    );
  });
});

describe('the endpoints a preflight expects the deploy to create', () => {
  it("are the stack's own, derived from the grants of its VPC functions", async () => {
    // Prepare
    const { stackEndpointServices } = await import('../../scripts/verify');

    // Act
    const services = await stackEndpointServices({
      ...production,
      network: { ...NETWORK, egress: 'endpoints' },
    });

    // Assess
    expect(services).toEqual(['monitoring', 'secretsmanager', 'sns']);
  });
});

describe('a secret under a customer-managed key', () => {
  const KEY = 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

  beforeEach(() => {
    for (const mock of [ec2, lambda, ssm, secrets, cloudFormation]) mock.reset();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: '27' } });
    lambda
      .on(GetAccountSettingsCommand)
      .resolves({ AccountLimit: { ConcurrentExecutions: 1_000, UnreservedConcurrentExecutions: 1_000 } });
  });

  const preflightOf = (stage: StageConfig) =>
    verify(parseVerifyArgs(['--stage', 'production', '--preflight', '--timeout', '3']), {
      env: {},
      stageConfig: () => stage,
      stageClients: clients,
      endpointServices: async () => [],
      resolve: async () => ['10.0.0.1'],
    });

  it('fails when the stage does not name the key the functions must decrypt with', async () => {
    // Prepare: the RDS master secret under the database team's key
    secrets.on(DescribeSecretCommand).resolves({ Name: 'rds!cluster', KmsKeyId: KEY });

    // Act
    const { output } = await preflightOf(production);

    // Assess
    expect(checklistLine(output, 'Secrets').line).toMatch(
      /database\.adminSecretArn is encrypted with the customer-managed key arn:aws:kms:.*: name it in database\.adminSecretKeyArn$/,
    );
  });

  it('passes when the stage names that key, and a secret under aws/secretsmanager needs none', async () => {
    // Prepare
    secrets.on(DescribeSecretCommand).resolves({ Name: 'rds!cluster', KmsKeyId: KEY });
    const database = production.database.source === 'existing' ? production.database : undefined;
    const named = {
      ...production,
      database: { ...(database as NonNullable<typeof database>), adminSecretKeyArn: KEY },
    };

    // Act
    const { output } = await preflightOf(named);

    // Assess
    expect(checklistLine(output, 'Secrets').line).toMatch(/^\[ok\] /);
  });
});
