import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { type SynthesizedStack, synthesizeConfig, synthesizeStack } from '../support/synth';
import { TemplateNetwork } from '../support/template-network';
import { itPlacesTheFunctions } from './vpc-functions';

/** The dev stage: SignUpFlow's VPC, whose private subnets route through a NAT it already has. */
describe('an existing VPC with a NAT', () => {
  let synthesized: SynthesizedStack;
  let network: TemplateNetwork;

  beforeAll(() => {
    synthesized = synthesizeStack('dev');
    network = new TemplateNetwork(synthesized.template);
  });
  afterAll(() => synthesized?.cleanup());

  itPlacesTheFunctions(() => network, { subnets: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'] });

  it('reaches every AWS service the VPC functions call through the NAT: HTTPS out, no endpoint created', () => {
    // Act
    const https = network.egressOf(network.securityGroupsOf('api')[0] as string);

    // Assess
    expect(https).toEqual([{ protocol: 'tcp', port: 443, to: '0.0.0.0/0' }]);
    expect(network.interfaceEndpoints().size).toBe(0);
  });

  it("lets the Postgres and Redis clients into the data stores' security groups on their ports only", () => {
    // Act
    const rules = network.ingressRules();

    // Assess
    expect(rules).toEqual(
      expect.arrayContaining([
        { group: 'sg-0d1e2f3a4b5c6d7e8', port: 5432, from: expect.stringMatching(/^NetworkPostgresClients/) },
        { group: 'sg-0d9e8f7a6b5c4d3e2', port: 6379, from: expect.stringMatching(/^NetworkRedisClients/) },
      ]),
    );
    expect(rules.filter((rule) => rule.group.startsWith('sg-'))).toHaveLength(2);
  });

  it('outputs the client groups, for a database whose security group the stage does not name', () => {
    synthesized.template.hasOutput('PostgresClientsSecurityGroupId', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkPostgresClients'), 'GroupId'] },
    });
    synthesized.template.hasOutput('RedisClientsSecurityGroupId', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkRedisClients'), 'GroupId'] },
    });
  });

  it("runs the schema migration only once the database's group lets the Postgres clients in", () => {
    // Prepare
    const [schema] = network.idsOfType('Custom::SchemaMigration');
    const rule = network
      .idsOfType('AWS::EC2::SecurityGroupIngress')
      .find((id) => network.resource(id)?.Properties?.GroupId === 'sg-0d1e2f3a4b5c6d7e8');

    // Assess
    expect(rule).toBeDefined();
    expect(network.dependsOn(schema as string)).toContain(rule);
  });

  it('connects to the RDS endpoint by its own name and reads the admin login only in the migrator', () => {
    const migrator = network.environmentOf('schema-migrator');
    const api = network.environmentOf('api');

    expect(migrator.DATABASE_ADMIN_SECRET_ARN).toMatch(/:secret:rds!cluster-signupflow-dev-/);
    expect(api.DATABASE_ADMIN_SECRET_ARN).toBeUndefined();
    expect(api.DATABASE_HOST).toBe('signupflow-dev.cluster-c9akciq32.eu-west-1.rds.amazonaws.com');
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});

describe('an existing database whose security group lets a client group of the VPC in already', () => {
  let synthesized: SynthesizedStack;
  let network: TemplateNetwork;

  beforeAll(() => {
    const dev = loadStageConfig('dev');
    if (dev.database.source !== 'existing') throw new Error('dev names an existing database');
    synthesized = synthesizeConfig({
      ...dev,
      database: {
        ...dev.database,
        securityGroupId: undefined,
        clientSecurityGroupId: 'sg-0c11e47a5e5e5e5e5',
      },
    });
    network = new TemplateNetwork(synthesized.template);
  });
  afterAll(() => synthesized?.cleanup());

  it('puts the functions that reach Postgres in that group, and adds no rule to the database', () => {
    for (const folder of ['api', 'health', 'alert-evaluator', 'schema-migrator']) {
      const config = network.function(folder).Properties?.VpcConfig as { SecurityGroupIds: unknown[] };
      expect(config.SecurityGroupIds).toContain('sg-0c11e47a5e5e5e5e5');
    }
    expect(network.function('metrics-exporter').Properties?.VpcConfig).not.toMatchObject({
      SecurityGroupIds: expect.arrayContaining(['sg-0c11e47a5e5e5e5e5']),
    });
    expect(network.ingressRules().filter((rule) => rule.port === 5432)).toEqual([]);
  });
});
