/** What the cost model needs from a synthesized CloudFormation template, and nothing else. */

type Resource = { Type: string; Properties?: Record<string, unknown> };
export type Template = { Resources?: Record<string, Resource> };

export interface FunctionInfo {
  logicalId: string;
  /** The `lambdas/<dir>` the function runs, from its role's description (ObservedFunction names it). */
  functionDir: string;
  memoryMb: number;
  architecture: 'arm64' | 'x86_64';
  tracingActive: boolean;
  systemLogLevel: string;
  logGroupId?: string;
  environment: Record<string, string>;
}

export interface LogGroupInfo {
  logicalId: string;
  retentionDays: number;
  infrequentAccess: boolean;
  encrypted: boolean;
}

export interface RouteInfo {
  method: string;
  path: string;
  functionId?: string;
}

export interface Schedule {
  functionId: string;
  perMinute: number;
}

export interface AlarmInfo {
  logicalId: string;
  /** Billed metrics: 1 for a single-metric alarm, the metrics of a metric-math alarm. */
  metrics: number;
  highResolution: boolean;
}

/** What the stack's network and data stores bill by the hour (lib/monitoring-network.ts, lib/data-stores.ts). */
export interface NetworkInventory {
  /** Interface endpoints the stack creates: one network interface per subnet, each billed per AZ-hour. */
  interfaceEndpoints: { service: string; azs: number }[];
  natGateways: number;
  /** NAT instances (the sandbox's), with their root volume and public IPv4 address. */
  natInstances: { instanceType: string; volumeGb: number }[];
  databases: { instanceClass: string; storageGb: number; storageType: string; multiAz: boolean }[];
  caches: { nodeType: string; nodes: number; engine: string }[];
  /** Functions that run in a VPC: their AWS API traffic goes through a NAT or the endpoints. */
  vpcFunctionIds: string[];
}

export interface StackInventory extends NetworkInventory {
  /** The functions the evaluator watches and exports (its MONITORED_FUNCTIONS), by `lambdas/` folder. */
  monitoredFunctions: string[];
  functions: FunctionInfo[];
  logGroups: LogGroupInfo[];
  accessLogGroupId?: string;
  accessLogFormat?: string;
  routes: RouteInfo[];
  schedules: Schedule[];
  alarms: AlarmInfo[];
  compositeAlarms: number;
  dashboards: number;
  kmsKeys: number;
  topics: number;
  emailSubscriptions: number;
  queues: number;
  secrets: number;
}

/** Never-expire log groups are costed as if kept ten years. */
const NEVER_EXPIRE_DAYS = 3_653;

export function readInventory(template: Template): StackInventory {
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);
  const props = (resource: Resource) => resource.Properties ?? {};

  const roleDescriptions = new Map(
    ofType('AWS::IAM::Role').map(([id, role]) => [id, String(props(role).Description ?? '')]),
  );
  const functions = ofType('AWS::Lambda::Function').map(([logicalId, fn]): FunctionInfo => {
    const p = props(fn);
    const roleId = refOf(p.Role);
    const description = roleId ? (roleDescriptions.get(roleId) ?? '') : '';
    const logging = (p.LoggingConfig ?? {}) as Record<string, unknown>;
    const variables = ((p.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {}) as Record<
      string,
      unknown
    >;
    return {
      logicalId,
      functionDir: /Runs the (\S+) function/.exec(description)?.[1] ?? logicalId,
      memoryMb: Number(p.MemorySize ?? 128),
      architecture: (p.Architectures as string[] | undefined)?.[0] === 'arm64' ? 'arm64' : 'x86_64',
      tracingActive: (p.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active',
      systemLogLevel: String(logging.SystemLogLevel ?? 'INFO'),
      logGroupId: refOf(logging.LogGroup),
      environment: Object.fromEntries(
        Object.entries(variables).filter(([, value]) => typeof value === 'string') as [string, string][],
      ),
    };
  });

  const logGroups = ofType('AWS::Logs::LogGroup').map(([logicalId, group]) => {
    const p = props(group);
    return {
      logicalId,
      retentionDays: Number(p.RetentionInDays ?? NEVER_EXPIRE_DAYS),
      infrequentAccess: p.LogGroupClass === 'INFREQUENT_ACCESS',
      encrypted: p.KmsKeyId !== undefined,
    };
  });

  const stage = ofType('AWS::ApiGatewayV2::Stage').find(([, s]) => props(s).AccessLogSettings);
  const accessLogSettings = stage
    ? (props(stage[1]).AccessLogSettings as Record<string, unknown>)
    : undefined;

  const integrations = new Map(
    ofType('AWS::ApiGatewayV2::Integration').map(([id, integration]) => [
      id,
      refOf(props(integration).IntegrationUri),
    ]),
  );
  const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]): RouteInfo => {
    const p = props(route);
    const [method = 'ANY', path = '/'] = String(p.RouteKey ?? '').split(' ');
    const integrationId = /integrations\/(.+)$/.exec(joinedText(p.Target))?.[1] ?? refOf(p.Target);
    return { method, path, functionId: integrationId ? integrations.get(integrationId) : undefined };
  });

  const schedules = [...ofType('AWS::Events::Rule'), ...ofType('AWS::Scheduler::Schedule')].flatMap(
    ([, rule]) => {
      const p = props(rule);
      const perMinute = perMinuteOf(String(p.ScheduleExpression ?? ''));
      if (!perMinute) return [];
      const targets = (Array.isArray(p.Targets) ? p.Targets : [p.Target]) as { Arn?: unknown }[];
      return targets.flatMap((target) => {
        const functionId = refOf(target?.Arn);
        return functionId ? [{ functionId, perMinute }] : [];
      });
    },
  );

  const alarms = ofType('AWS::CloudWatch::Alarm').map(([logicalId, alarm]) => {
    const p = props(alarm);
    const math = p.Metrics as { MetricStat?: unknown }[] | undefined;
    return {
      logicalId,
      metrics: math ? Math.max(1, math.filter((metric) => metric.MetricStat).length) : 1,
      highResolution: Number(p.Period ?? 60) < 60,
    };
  });

  return {
    functions,
    logGroups,
    accessLogGroupId: refOf(accessLogSettings?.DestinationArn),
    accessLogFormat: typeof accessLogSettings?.Format === 'string' ? accessLogSettings.Format : undefined,
    routes,
    schedules,
    alarms,
    compositeAlarms: ofType('AWS::CloudWatch::CompositeAlarm').length,
    dashboards: ofType('AWS::CloudWatch::Dashboard').length,
    kmsKeys: ofType('AWS::KMS::Key').length,
    topics: ofType('AWS::SNS::Topic').length,
    emailSubscriptions: ofType('AWS::SNS::Subscription').filter(([, s]) => props(s).Protocol === 'email')
      .length,
    queues: ofType('AWS::SQS::Queue').length,
    secrets: ofType('AWS::SecretsManager::Secret').length,
    monitoredFunctions: monitoredFunctionsOf(ofType('AWS::Lambda::Function').map(([, fn]) => props(fn))),
    ...readNetwork(ofType, props),
  };
}

/** The keys of the evaluator's MONITORED_FUNCTIONS, a JSON object whose values are function names (Refs). */
function monitoredFunctionsOf(functions: Record<string, unknown>[]): string[] {
  for (const fn of functions) {
    const variables = (fn.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    const monitored = variables?.MONITORED_FUNCTIONS;
    if (monitored === undefined) continue;
    return [...joinedText(monitored).matchAll(/"([a-z-]+)":/g)].map((match) => match[1] as string);
  }
  return [];
}

function readNetwork(
  ofType: (type: string) => [string, Resource][],
  props: (resource: Resource) => Record<string, unknown>,
): NetworkInventory {
  const natInstanceIds = new Set(
    ofType('AWS::EC2::Route')
      .map(([, route]) => refOf(props(route).InstanceId))
      .filter((id): id is string => id !== undefined),
  );
  return {
    interfaceEndpoints: ofType('AWS::EC2::VPCEndpoint')
      .filter(([, endpoint]) => (props(endpoint).VpcEndpointType ?? 'Gateway') === 'Interface')
      .map(([, endpoint]) => ({
        service: joinedText(props(endpoint).ServiceName).split('.').at(-1) ?? '?',
        azs: Array.isArray(props(endpoint).SubnetIds) ? (props(endpoint).SubnetIds as unknown[]).length : 1,
      })),
    natGateways: ofType('AWS::EC2::NatGateway').length,
    natInstances: ofType('AWS::EC2::Instance')
      .filter(([id]) => natInstanceIds.has(id))
      .map(([, instance]) => {
        const mappings = (props(instance).BlockDeviceMappings ?? []) as { Ebs?: { VolumeSize?: number } }[];
        return {
          instanceType: String(props(instance).InstanceType),
          volumeGb: mappings.reduce((sum, mapping) => sum + Number(mapping.Ebs?.VolumeSize ?? 0), 0) || 8,
        };
      }),
    databases: ofType('AWS::RDS::DBInstance').map(([, db]) => ({
      instanceClass: String(props(db).DBInstanceClass),
      storageGb: Number(props(db).AllocatedStorage ?? 20),
      storageType: String(props(db).StorageType ?? 'gp2'),
      multiAz: props(db).MultiAZ === true,
    })),
    caches: ofType('AWS::ElastiCache::ReplicationGroup').map(([, cache]) => ({
      nodeType: String(props(cache).CacheNodeType),
      nodes: Number(props(cache).NumCacheClusters ?? 1),
      engine: String(props(cache).Engine ?? 'redis'),
    })),
    vpcFunctionIds: ofType('AWS::Lambda::Function')
      .filter(([, fn]) => props(fn).VpcConfig !== undefined)
      .map(([id]) => id),
  };
}

/** The logical id a `Ref` or `Fn::GetAtt` (or an `Fn::Join` around one) points at. */
function refOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  const join = object['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    for (const part of join[1]) {
      const found = refOf(part);
      if (found) return found;
    }
  }
  return undefined;
}

/** The literal text of an `Fn::Join` (references left out), or the string itself. */
function joinedText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Record<string, unknown> | undefined)?.['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    return join[1].map((part) => (typeof part === 'string' ? part : '')).join(String(join[0] ?? ''));
  }
  return '';
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)` as runs per minute; cron expressions are not costed. */
export function perMinuteOf(expression: string): number | undefined {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const minutes = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1_440, days: 1_440 }[
    match[2] as 'minute'
  ];
  return 1 / (Number(match[1]) * minutes);
}
