import { App, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { describe, expect, it } from 'vitest';
import { loadStageConfig, type StageConfig } from '../../lib/config';
import { MonitoringNetwork, servicesCalledBy } from '../../lib/monitoring-network';

function endpointsStage(): StageConfig {
  const dev = loadStageConfig('dev');
  if (dev.network.source !== 'existing') throw new Error('dev names an existing network');
  return { ...dev, network: { ...dev.network, egress: 'endpoints' } };
}

/** A bare function in its own stack, granted `actions`, for the network to read. */
function grantedFunction(actions: string[]): { stack: Stack; fn: lambda.Function } {
  const stack = new Stack(new App(), 'Granted', { env: { account: '123456789012', region: 'eu-west-1' } });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => {};'),
  });
  fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: ['*'] }));
  return { stack, fn };
}

describe('the AWS services a VPC function calls, read from its grants', () => {
  it("counts the code's own calls and leaves out what AWS does on the function's behalf", () => {
    // Prepare
    const { fn } = grantedFunction([
      'secretsmanager:GetSecretValue',
      'cloudwatch:GetMetricData',
      'logs:PutLogEvents',
      'xray:PutTraceSegments',
      'kms:Decrypt',
      'ec2:CreateNetworkInterface',
    ]);

    // Act
    const called = servicesCalledBy([fn]);

    // Assess
    expect([...called].sort()).toEqual(['cloudwatch', 'secretsmanager']);
  });

  it('fails the synth on a grant whose route nobody decided, naming the function and where to decide it', () => {
    // Prepare
    const { fn } = grantedFunction(['dynamodb:GetItem']);

    // Act
    const read = () => servicesCalledBy([fn]);

    // Assess
    expect(read).toThrow(
      /Granted\/Fn is granted dynamodb:GetItem, a service with no known route from the VPC/,
    );
    expect(read).toThrow(/lib\/aws-service-endpoints\.ts/);
  });

  it('fails the synth when a grant made after the endpoints were created needs one that is missing', () => {
    // Prepare
    const { stack, fn } = grantedFunction(['secretsmanager:GetSecretValue']);
    const network = new MonitoringNetwork(stack, 'Network', { config: endpointsStage() });
    network.createEndpoints([fn]);

    // Act
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    const problems = network.node.validate();

    // Assess
    expect(network.endpoints.has('secretsmanager')).toBe(true);
    expect(problems).toEqual([expect.stringMatching(/call SNS \(sns\) but have no route to it/)]);
  });

  it('creates no endpoint for a service the VPC already serves (existingEndpoints)', () => {
    // Prepare
    const config = endpointsStage();
    if (config.network.source !== 'existing') throw new Error('unreachable');
    const { stack, fn } = grantedFunction(['secretsmanager:GetSecretValue', 'sns:Publish']);
    const network = new MonitoringNetwork(stack, 'Network', {
      config: { ...config, network: { ...config.network, existingEndpoints: ['secretsmanager'] } },
    });

    // Act
    network.createEndpoints([fn]);

    // Assess
    expect([...network.endpoints.keys()]).toEqual(['sns']);
    expect(network.node.validate()).toEqual([]);
  });
});
