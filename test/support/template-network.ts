import type { Template } from 'aws-cdk-lib/assertions';
import { actionPrefix, USED_BY_AWS_ON_BEHALF } from '../../lib/aws-service-endpoints';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };
type Ref = { Ref?: string; 'Fn::GetAtt'?: [string, string] };

/** A template's resources, read the way a reviewer reads them: by what a function reaches. */
export class TemplateNetwork {
  readonly #resources: Record<string, Resource>;

  constructor(template: Template) {
    this.#resources = template.toJSON().Resources as Record<string, Resource>;
  }

  /** `lambdas/<folder>` → the function's logical id, from its role's description (ObservedFunction's). */
  functions(): Map<string, string> {
    const functions = new Map<string, string>();
    for (const [id, resource] of this.#ofType('AWS::Lambda::Function')) {
      const roleId = refId(resource.Properties?.Role as Ref);
      const description = String(this.#resources[roleId ?? '']?.Properties?.Description ?? '');
      const folder = /Runs the (\S+) function/.exec(description)?.[1];
      if (folder) functions.set(folder, id);
    }
    return functions;
  }

  /** A function's environment variables. */
  environmentOf(folder: string): Record<string, unknown> {
    return variablesOf(this.function(folder));
  }

  function(folder: string): Resource {
    const id = this.functions().get(folder);
    if (!id) throw new Error(`no function of lambdas/${folder}`);
    return this.#resources[id] as Resource;
  }

  functionId(folder: string): string {
    return this.functions().get(folder) as string;
  }

  /** The logical ids of the security groups a function runs with; empty outside a VPC. */
  securityGroupsOf(folder: string): string[] {
    const config = this.function(folder).Properties?.VpcConfig as { SecurityGroupIds?: Ref[] } | undefined;
    return (config?.SecurityGroupIds ?? []).map((ref) => refId(ref) as string);
  }

  /** Every TCP port a function may open, over all its groups' egress (inline and separate rules). */
  egressPortsOf(folder: string): number[] {
    const ports = new Set<number>();
    for (const group of this.securityGroupsOf(folder)) {
      for (const rule of this.egressOf(group)) if (rule.protocol === 'tcp') ports.add(rule.port);
    }
    return [...ports].sort((a, b) => a - b);
  }

  /** A group's egress: its inline rules but CDK's "disallow all" placeholder, and the separate rules. */
  egressOf(groupId: string): { protocol: string; port: number; to: string }[] {
    const inline = (this.#resources[groupId]?.Properties?.SecurityGroupEgress ?? []) as Record<
      string,
      unknown
    >[];
    const separate = this.#ofType('AWS::EC2::SecurityGroupEgress')
      .filter(([, rule]) => refId(rule.Properties?.GroupId as Ref) === groupId)
      .map(([, rule]) => rule.Properties as Record<string, unknown>);
    return [...inline, ...separate]
      .filter((rule) => rule.CidrIp !== '255.255.255.255/32')
      .map((rule) => ({
        protocol: String(rule.IpProtocol),
        port: Number(rule.FromPort ?? -1),
        to: String(rule.CidrIp ?? refId(rule.DestinationSecurityGroupId as Ref)),
      }));
  }

  /** Every description of a security group and of its rules, inline and separate. */
  securityGroupDescriptions(): string[] {
    const descriptions: unknown[] = [];
    for (const [, group] of this.#ofType('AWS::EC2::SecurityGroup')) {
      descriptions.push(group.Properties?.GroupDescription);
      for (const key of ['SecurityGroupEgress', 'SecurityGroupIngress']) {
        for (const rule of (group.Properties?.[key] ?? []) as Record<string, unknown>[])
          descriptions.push(rule.Description);
      }
    }
    for (const type of ['AWS::EC2::SecurityGroupEgress', 'AWS::EC2::SecurityGroupIngress']) {
      for (const [, rule] of this.#ofType(type)) descriptions.push(rule.Properties?.Description);
    }
    return descriptions.filter((description): description is string => typeof description === 'string');
  }

  /** Groups created without inline egress: AWS gives each its default allow-all egress rule. */
  groupsWithDefaultEgress(): string[] {
    return this.#ofType('AWS::EC2::SecurityGroup')
      .filter(([, group]) => group.Properties?.SecurityGroupEgress === undefined)
      .map(([id]) => id);
  }

  /** Ingress rules of the stack on another group (by id) or its own (by logical id), with their source group. */
  ingressRules(): { group: string; port: number; from: string }[] {
    return this.#ofType('AWS::EC2::SecurityGroupIngress').map(([, rule]) => {
      const p = rule.Properties as Record<string, unknown>;
      const group = typeof p.GroupId === 'string' ? p.GroupId : (refId(p.GroupId as Ref) as string);
      return { group, port: Number(p.FromPort), from: refId(p.SourceSecurityGroupId as Ref) as string };
    });
  }

  /** The IAM service prefixes a function's code calls, from its role's policies. */
  calledServicesOf(folder: string): string[] {
    const roleId = refId(this.function(folder).Properties?.Role as Ref);
    const actions = this.#ofType('AWS::IAM::Policy')
      .filter(([, policy]) =>
        ((policy.Properties?.Roles ?? []) as Ref[]).some((role) => refId(role) === roleId),
      )
      .flatMap(([, policy]) =>
        (
          (policy.Properties?.PolicyDocument as { Statement?: { Action: string | string[] }[] } | undefined)
            ?.Statement ?? []
        ).flatMap((statement) => [statement.Action].flat()),
      );
    const prefixes = actions
      .map((action) => actionPrefix(action))
      .filter(
        (prefix): prefix is string =>
          !!prefix && !(USED_BY_AWS_ON_BEHALF as readonly string[]).includes(prefix),
      );
    return [...new Set(prefixes)].sort();
  }

  /** Interface endpoints: the service's last name (`secretsmanager`, `monitoring`) → the endpoint. */
  interfaceEndpoints(): Map<string, Record<string, unknown>> {
    return new Map(
      this.#ofType('AWS::EC2::VPCEndpoint').map(([, endpoint]) => {
        const name = endpoint.Properties?.ServiceName as string | { 'Fn::Join': [string, unknown[]] };
        const text =
          typeof name === 'string'
            ? name
            : name['Fn::Join'][1].filter((part) => typeof part === 'string').join('');
        return [text.split('.').at(-1) as string, endpoint.Properties as Record<string, unknown>];
      }),
    );
  }

  dependsOn(id: string): string[] {
    return this.#resources[id]?.DependsOn ?? [];
  }

  idsOfType(type: string): string[] {
    return this.#ofType(type).map(([id]) => id);
  }

  resource(id: string): Resource | undefined {
    return this.#resources[id];
  }

  #ofType(type: string): [string, Resource][] {
    return Object.entries(this.#resources).filter(([, resource]) => resource.Type === type);
  }
}

/** A function resource's environment variables; none when it has no environment. */
export function variablesOf(resource: Resource | undefined): Record<string, unknown> {
  const environment = resource?.Properties?.Environment as
    | { Variables?: Record<string, unknown> }
    | undefined;
  return environment?.Variables ?? {};
}

function refId(ref: Ref | undefined): string | undefined {
  return ref?.Ref ?? ref?.['Fn::GetAtt']?.[0];
}
