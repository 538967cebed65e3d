import { expect, it } from 'vitest';
import { type TemplateNetwork, variablesOf } from '../support/template-network';

/** What each function opens from inside the VPC: HTTPS for AWS APIs and Sentry, and its data stores. */
export const EXPECTED_PORTS: Record<string, number[]> = {
  api: [443, 5432],
  health: [443, 5432, 6379],
  'alert-evaluator': [443, 5432, 6379],
  'metrics-exporter': [443, 6379],
  'schema-migrator': [443, 5432],
};

/** What EC2 accepts in a security group's or a rule's description. */
export const EC2_DESCRIPTION = /^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;

/** The functions that read the schema: created or updated only after the deploy's migration ran. */
export const SCHEMA_USERS = ['api', 'health', 'alert-evaluator'];

/**
 * What holds for every network mode, read from the template: the functions that reach Postgres or Redis run
 * in the private subnets with exactly their ports, the notifier stays outside, no group keeps AWS's default
 * allow-all egress, and the schema comes before the functions that read it.
 */
export function itPlacesTheFunctions(
  network: () => TemplateNetwork,
  options: { subnets: unknown[]; extraPorts?: Record<string, number[]> },
): void {
  it.each(Object.keys(EXPECTED_PORTS))(
    'runs %s in the private subnets with exactly the ports it needs',
    (folder) => {
      // Act
      const config = network().function(folder).Properties?.VpcConfig as { SubnetIds: unknown[] };
      const ports = network().egressPortsOf(folder);

      // Assess
      expect(config.SubnetIds).toEqual(options.subnets);
      const expected = [...(EXPECTED_PORTS[folder] ?? []), ...(options.extraPorts?.[folder] ?? [])];
      expect(ports).toEqual([...new Set(expected)].sort((a, b) => a - b));
    },
  );

  it('keeps the Slack notifier, which reaches neither Postgres nor Redis, out of the VPC', () => {
    expect(network().function('slack-notifier').Properties?.VpcConfig).toBeUndefined();
  });

  it('describes every security group and rule only in the characters EC2 accepts', () => {
    // EC2's API refuses others at deploy time; CloudFormation's validation at synth checks group descriptions only
    const descriptions = network().securityGroupDescriptions();

    expect(descriptions.length).toBeGreaterThan(5);
    for (const description of descriptions)
      expect(description).toMatch(/^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/);
  });

  it('leaves no security group with AWS default allow-all egress', () => {
    expect(network().groupsWithDefaultEgress()).toEqual([]);
  });

  it.each(SCHEMA_USERS)('creates and updates %s only after the schema migration has run', (folder) => {
    const [schema] = network().idsOfType('Custom::SchemaMigration');

    expect(schema).toBeDefined();
    expect(network().dependsOn(network().functionId(folder))).toContain(schema);
  });

  it('runs the migration in the schema migrator, after the network it connects through', () => {
    // Prepare: the custom resource's service token is the provider framework, which calls the migrator
    const [schema] = network().idsOfType('Custom::SchemaMigration');
    const token = network().resource(schema as string)?.Properties?.ServiceToken as {
      'Fn::GetAtt': [string];
    };
    const framework = network().resource(token['Fn::GetAtt'][0]);
    const variables = variablesOf(framework);

    // Assess
    expect(variables.USER_ON_EVENT_FUNCTION_ARN).toEqual({
      'Fn::GetAtt': [network().functionId('schema-migrator'), 'Arn'],
    });
    expect(network().dependsOn(schema as string)).toEqual(
      expect.arrayContaining(network().idsOfType('AWS::EC2::SecurityGroupEgress')),
    );
  });
}
