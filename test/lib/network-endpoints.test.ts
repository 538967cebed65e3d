import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { type SynthesizedStack, synthesizeConfig } from '../support/synth';
import { TemplateNetwork } from '../support/template-network';
import { EC2_DESCRIPTION, EXPECTED_PORTS, itPlacesTheFunctions } from './vpc-functions';

const INFLUXDB_TOKEN =
  'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/influxdb-token-AbC123';

/** An existing VPC without a NAT: the stack creates an interface endpoint for each AWS API its functions call. */
function endpointsStage(): StageConfig {
  const dev = loadStageConfig('dev');
  if (dev.network.source !== 'existing') throw new Error('dev names an existing network');
  return {
    ...dev,
    network: { ...dev.network, egress: 'endpoints' },
    sentry: { ...dev.sentry, dsn: 'https://public@o1.ingest.sentry.io/2' },
    influxdb: {
      url: 'https://influxdb.internal.example:8086',
      org: 'signupflow',
      bucket: 'monitoring',
      tokenSecretArn: INFLUXDB_TOKEN,
    },
  };
}

describe('an existing VPC with endpoints the stack creates', () => {
  let synthesized: SynthesizedStack;
  let network: TemplateNetwork;

  beforeAll(() => {
    synthesized = synthesizeConfig(endpointsStage());
    network = new TemplateNetwork(synthesized.template);
  });
  afterAll(() => synthesized?.cleanup());

  itPlacesTheFunctions(() => network, {
    subnets: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'],
    extraPorts: { 'alert-evaluator': [8086] },
  });

  it('creates an endpoint for exactly the AWS services the VPC functions are granted, derived from their policies', () => {
    // Act
    const called = new Set(Object.keys(EXPECTED_PORTS).flatMap((folder) => network.calledServicesOf(folder)));
    const endpoints = [...network.interfaceEndpoints().keys()].sort();

    // Assess: IAM's `cloudwatch` is served by the `monitoring` endpoint
    expect([...called].sort()).toEqual(['cloudwatch', 'secretsmanager', 'sns']);
    expect(endpoints).toEqual(['monitoring', 'secretsmanager', 'sns']);
  });

  it('puts each endpoint in the functions subnets with private DNS, so that the SDK needs no setting', () => {
    for (const endpoint of network.interfaceEndpoints().values()) {
      expect(endpoint).toMatchObject({
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'],
        VpcId: 'vpc-0d1e2f3a4b5c6d7e8',
      });
    }
  });

  it('lets HTTPS out only to the endpoints, and the endpoints in only from the functions', () => {
    // Act
    const httpsGroup = network
      .securityGroupsOf('api')
      .find((id) => id.startsWith('NetworkHttpsClients')) as string;
    const [endpoint] = [...network.interfaceEndpoints().values()];
    const [endpointGroup] = ((endpoint?.SecurityGroupIds ?? []) as { 'Fn::GetAtt': [string] }[]).map(
      (ref) => ref['Fn::GetAtt'][0],
    );

    // Assess
    expect(network.egressOf(httpsGroup)).toEqual([{ protocol: 'tcp', port: 443, to: endpointGroup }]);
    expect(network.ingressRules().filter((rule) => rule.group === endpointGroup)).toEqual([
      { group: endpointGroup, port: 443, from: httpsGroup },
    ]);
  });

  it('lets the evaluator out to the InfluxDB URL port, and no other function', () => {
    expect(network.egressPortsOf('alert-evaluator')).toContain(8086);
    for (const folder of ['api', 'health', 'metrics-exporter', 'schema-migrator']) {
      expect(network.egressPortsOf(folder)).not.toContain(8086);
    }
  });

  it('warns at synth that Sentry and an InfluxDB outside the VPC have no route without a NAT', () => {
    const warnings = synthesized.validationReport.pluginReports
      .flatMap((report) => report.violations)
      .filter((violation) => violation.ruleName.includes('endpoints-without-internet'));
    expect(warnings.map((warning) => warning.description)).toEqual([
      expect.stringMatching(
        /cannot reach Sentry \(sentry\.dsn, o1\.ingest\.sentry\.io\) or InfluxDB \(influxdb\.url/,
      ),
    ]);
  });

  it('passes cdk-nag AwsSolutions', () => {
    expect(synthesized.nagFindings).toEqual([]);
  });
});

describe('an existing VPC that already serves some AWS APIs with endpoints of its own', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    const stage = endpointsStage();
    if (stage.network.source !== 'existing') throw new Error('an existing network');
    synthesized = synthesizeConfig({
      ...stage,
      network: { ...stage.network, existingEndpoints: ['secretsmanager'] },
    });
  });
  afterAll(() => synthesized?.cleanup());

  it('creates only the endpoints the VPC lacks, and lets HTTPS out to the ones it has', () => {
    // Act
    const network = new TemplateNetwork(synthesized.template);
    const httpsGroup = network
      .securityGroupsOf('api')
      .find((id) => id.startsWith('NetworkHttpsClients')) as string;

    // Assess
    expect([...network.interfaceEndpoints().keys()].sort()).toEqual(['monitoring', 'sns']);
    expect(network.egressOf(httpsGroup)).toContainEqual({ protocol: 'tcp', port: 443, to: '0.0.0.0/0' });
    for (const description of network.securityGroupDescriptions())
      expect(description).toMatch(EC2_DESCRIPTION);
    expect(synthesized.nagFindings).toEqual([]);
  });
});
