import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';
import { TemplateNetwork } from '../support/template-network';
import { itPlacesTheFunctions } from './vpc-functions';

type Resource = { Properties: Record<string, unknown>; DeletionPolicy?: string };

/** `cdk deploy -c stage=sandbox` in an empty account: its own VPC, Postgres and Redis. */
describe('the sandbox stage', () => {
  let synthesized: SynthesizedStack;
  let network: TemplateNetwork;

  beforeAll(() => {
    synthesized = synthesizeStack('sandbox');
    network = new TemplateNetwork(synthesized.template);
  });
  afterAll(() => synthesized?.cleanup());

  itPlacesTheFunctions(() => network, {
    subnets: [
      { Ref: expect.stringMatching(/^NetworkVpcprivateSubnet1Subnet/) },
      { Ref: expect.stringMatching(/^NetworkVpcprivateSubnet2Subnet/) },
    ],
  });

  it('creates a VPC of two AZs whose private subnets route out through one NAT instance, the cheapest route', () => {
    // Assess
    synthesized.template.resourceCountIs('AWS::EC2::VPC', 1);
    synthesized.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    synthesized.template.resourceCountIs('AWS::EC2::Instance', 1);
    synthesized.template.hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      CreditSpecification: { CPUCredits: 'standard' },
      BlockDeviceMappings: [
        { DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8 } },
      ],
    });
    const [instance] = network.idsOfType('AWS::EC2::Instance');
    const routes = network
      .idsOfType('AWS::EC2::Route')
      .map((id) => network.resource(id)?.Properties as Record<string, unknown>)
      .filter((route) => (route.InstanceId as { Ref?: string } | undefined)?.Ref === instance);
    expect(routes.map((route) => route.DestinationCidrBlock)).toEqual(['0.0.0.0/0', '0.0.0.0/0']);
  });

  it("configures the NAT instance with the install retried (cloud-init's dnf may hold the lock) and IMDSv2 only", () => {
    // Act
    const [instance] = network.idsOfType('AWS::EC2::Instance');
    const properties = network.resource(instance as string)?.Properties as Record<string, unknown>;
    const script = (properties.UserData as { 'Fn::Base64': string })['Fn::Base64'];

    // Assess
    expect(script).toMatch(
      /for attempt in 1 2 3 4 5 6 7 8 9 10; do dnf install -y iptables-services && break; sleep 15; done\nrpm -q iptables-services/,
    );
    expect(script).toMatch(/iptables -t nat -A POSTROUTING -o "\$\(ip route show default/);
    expect(properties.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  });

  it('creates the smallest Postgres that works: RDS db.t4g.micro, one AZ, encrypted, private, deleted with the stack', () => {
    synthesized.template.hasResource('AWS::RDS::DBInstance', {
      Properties: Match.objectLike({
        Engine: 'postgres',
        EngineVersion: '17',
        DBInstanceClass: 'db.t4g.micro',
        AllocatedStorage: '20',
        StorageType: 'gp3',
        StorageEncrypted: true,
        MultiAZ: false,
        PubliclyAccessible: false,
        DeletionProtection: false,
        DBName: 'signupflow',
      }),
      DeletionPolicy: 'Delete',
    });
  });

  it('creates the smallest Redis that works: one Valkey cache.t4g.micro node, TLS and encrypted at rest', () => {
    synthesized.template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey',
      CacheNodeType: 'cache.t4g.micro',
      NumCacheClusters: 1,
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      Port: 6379,
    });
  });

  it('lets into each data store only its client group, on its port', () => {
    const rules = network.ingressRules();
    const postgres = rules.filter((rule) => rule.group.startsWith('DataStoresPostgresSecurityGroup'));
    const redis = rules.filter((rule) => rule.group.startsWith('DataStoresRedisSecurityGroup'));

    expect(postgres).toEqual([
      { group: expect.any(String), port: 5432, from: expect.stringMatching(/^NetworkPostgresClients/) },
    ]);
    expect(redis).toEqual([
      { group: expect.any(String), port: 6379, from: expect.stringMatching(/^NetworkRedisClients/) },
    ]);
  });

  it('gives the functions the endpoints the stack created, and the migrator the admin secret RDS generated', () => {
    const health = network.environmentOf('health');
    const migrator = network.environmentOf('schema-migrator');

    expect(health.DATABASE_HOST).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DataStoresPostgres/), 'Endpoint.Address'],
    });
    expect(health.REDIS_HOST).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/^DataStoresRedis/), 'PrimaryEndPoint.Address'],
    });
    expect(health.REDIS_TLS).toBe('true');
    expect(migrator.DATABASE_ADMIN_SECRET_ARN).toEqual({
      Ref: expect.stringMatching(/^DataStoresPostgresSecretAttachment/),
    });
  });

  it('runs the schema migration only after the database exists and lets its clients in', () => {
    const [schema] = network.idsOfType('Custom::SchemaMigration');
    const [instance] = network.idsOfType('AWS::RDS::DBInstance');

    const ingress = network
      .idsOfType('AWS::EC2::SecurityGroupIngress')
      .filter((id) => id.startsWith('DataStoresPostgres'));
    expect(network.dependsOn(schema as string)).toContain(instance);
    expect(ingress).toHaveLength(1);
    expect(network.dependsOn(schema as string)).toContain(ingress[0]);
  });

  it('reserves no concurrency, which an account with a low quota would refuse', () => {
    for (const id of network.idsOfType('AWS::Lambda::Function')) {
      expect(network.resource(id)?.Properties?.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it('keeps nothing after a rolled-back create or a delete: the sandbox is thrown away whole', () => {
    const kept = Object.entries(synthesized.template.toJSON().Resources as Record<string, Resource>).filter(
      ([, resource]) => resource.DeletionPolicy && resource.DeletionPolicy !== 'Delete',
    );
    expect(kept.map(([id]) => id)).toEqual([]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});
