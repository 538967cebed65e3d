import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';
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
