import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { SignUpFlowMonitoringStack } from '../../lib/signupflow-monitoring-stack';
import { cdkJsonContext } from '../support/synth';

describe('a stage with VPC placement', () => {
  // Prepare
  const config = {
    ...loadStageConfig('dev'),
    vpc: {
      vpcId: 'vpc-0123456789abcdef0',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'] as [string, ...string[]],
      privateSubnetIds: ['subnet-0aaa', 'subnet-0bbb'] as [string, ...string[]],
    },
  };
  const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
  const stack = new SignUpFlowMonitoringStack(app, 'SignUpFlowMonitoring-vpc', {
    config,
    env: { account: '123456789012', region: 'eu-west-1' },
  });

  // Act
  const template = Template.fromStack(stack);

  it('runs the API function in the configured private subnets with its security group', () => {
    const [securityGroupId] = Object.keys(template.findResources('AWS::EC2::SecurityGroup'));
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'SignUpFlow API: events of an organisation, and the test error',
      VpcConfig: {
        SubnetIds: ['subnet-0aaa', 'subnet-0bbb'],
        SecurityGroupIds: [{ 'Fn::GetAtt': [securityGroupId, 'GroupId'] }],
      },
    });
  });

  it('lets the functions out only to Postgres, Redis and HTTPS', () => {
    const [securityGroup] = Object.values(template.findResources('AWS::EC2::SecurityGroup')) as {
      Properties: { SecurityGroupEgress: { FromPort: number }[] };
    }[];
    expect(securityGroup?.Properties.SecurityGroupEgress.map((rule) => rule.FromPort).sort()).toEqual([
      443, 5432, 6379,
    ]);
  });

  it('grants the network-interface actions inline instead of an AWS-managed policy', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface']),
          }),
        ]),
      },
    });
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });
});
