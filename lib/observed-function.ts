import path from 'node:path';
import { Duration, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import {
  BUNDLE_TARGET,
  ESM_REQUIRE_BANNER,
  EXTERNAL_MODULES,
  MAIN_FIELDS,
  sideBundlesCommand,
} from './bundling';
import type { StageConfig } from './config';
import { createEncryptedLogGroup } from './encrypted-log-group';
import { createFunctionAlarms } from './function-alarms';

export const LAMBDAS_DIR = path.resolve(__dirname, '..', 'lambdas');

/** The newest Node.js runtime aws-cdk-lib offers; the code itself stays runnable on the local Node 20. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface ObservedFunctionProps {
  config: StageConfig;
  key: kms.IKey;
  /** The folder under `lambdas/` whose `handler.ts` exports `handler`. */
  functionDir: string;
  description: string;
  timeout?: Duration;
  memorySize?: number;
  environment?: Record<string, string>;
  /** X-Ray mode; active unless the function's traffic makes tracing every sampled request too dear. */
  tracing?: lambda.Tracing;
  /**
   * Reserved concurrency (`reservedConcurrentExecutions`): at most this many environments, and this many kept
   * for the function whatever else runs in the account. Usually from the stage's `reservedConcurrency`.
   */
  reservedConcurrency?: number;
  /** Runs the function in these private subnets with these security groups (`MonitoringNetwork.placementFor`). */
  vpcPlacement?: { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups: ec2.ISecurityGroup[] };
  /** Folders of the project copied beside the bundle (`migrations` for the schema migration). */
  bundledFolders?: string[];
  /** The errors, throttles and duration alarms; off for a function whose failure fails a deploy instead. */
  alarms?: boolean;
}

/**
 * The no-op internal extension that makes Lambda send SIGTERM before it reclaims an environment, so that the
 * metrics still pending are written (`lambdas/shared/shutdown.ts`). Copied beside the bundle and preloaded
 * with NODE_OPTIONS: it must register before the runtime asks for its first event.
 */
export const SHUTDOWN_SIGNAL_EXTENSION = 'shutdown-signal-extension.mjs';

export function shutdownSignalExtensionCommand(projectDir: string, outputDir: string): string {
  return `cp "${projectDir}/lambdas/shared/${SHUTDOWN_SIGNAL_EXTENSION}" "${outputDir}/${SHUTDOWN_SIGNAL_EXTENSION}"`;
}

/** Lambda unpacks a function's code in /var/task. */
const SHUTDOWN_SIGNAL_NODE_OPTIONS = `--import /var/task/${SHUTDOWN_SIGNAL_EXTENSION}`;

export function metricsNamespace(config: StageConfig): string {
  return `SignUpFlow/${config.stage}`;
}

/** The release reported to Sentry: CI sets GIT_COMMIT_SHA before `cdk synth`. */
export function releaseOf(scope: Construct): string {
  return process.env.GIT_COMMIT_SHA ?? scope.node.tryGetContext('gitCommitSha') ?? 'unversioned';
}

/**
 * Every Lambda of the project: arm64, the newest Node.js runtime, a minified ESM bundle, X-Ray, JSON logs
 * with Lambda's own START/END/REPORT lines filtered out (system level WARN), an encrypted log group of its
 * own, Powertools and Sentry settings, a least-privilege role, and the standard alarms in `alarms`.
 */
export class ObservedFunction extends NodejsFunction {
  readonly functionLogGroup: logs.LogGroup;
  readonly alarms: cloudwatch.Alarm[];
  readonly functionTimeout: Duration;

  constructor(scope: Construct, id: string, props: ObservedFunctionProps) {
    const { config } = props;
    const environment = { ...observabilityEnvironment(scope, config), ...props.environment };
    // A function that writes its metrics at every invocation (interval 0) has nothing pending at shutdown.
    const holdsMetrics = environment.METRICS_FLUSH_INTERVAL_SECONDS !== '0';
    const timeout = props.timeout ?? Duration.seconds(10);
    const logGroup = createEncryptedLogGroup(scope, `${id}LogGroup`, { config, key: props.key });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.functionDir} function of ${config.serviceName} monitoring (${config.stage})`,
    });

    super(scope, id, {
      description: props.description,
      entry: path.join(LAMBDAS_DIR, props.functionDir, 'handler.ts'),
      handler: 'handler',
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: lambda.ApplicationLogLevel[config.logLevel],
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      awsSdkConnectionReuse: false,
      reservedConcurrentExecutions: props.reservedConcurrency,
      environment: {
        ...(holdsMetrics && { NODE_OPTIONS: SHUTDOWN_SIGNAL_NODE_OPTIONS }),
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: false,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        externalModules: EXTERNAL_MODULES,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            sideBundlesCommand(inputDir, outputDir),
            ...(props.bundledFolders ?? []).map(
              (folder) => `cp -R "${inputDir}/${folder}" "${outputDir}/${folder}"`,
            ),
            ...(holdsMetrics ? [shutdownSignalExtensionCommand(inputDir, outputDir)] : []),
          ],
        },
      },
      ...(props.vpcPlacement && {
        vpc: props.vpcPlacement.vpc,
        vpcSubnets: { subnets: props.vpcPlacement.subnets },
        securityGroups: props.vpcPlacement.securityGroups,
      }),
    });

    this.functionLogGroup = logGroup;
    this.functionTimeout = timeout;
    logGroup.grantWrite(role);
    if (props.vpcPlacement) grantNetworkInterfaces(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray PutTraceSegments/PutTelemetryRecords and the Lambda VPC network-interface actions support no resource-level permissions.',
    });

    this.alarms =
      props.alarms === false
        ? []
        : createFunctionAlarms(this, {
            fn: this,
            timeout,
            alarmNamePrefix: `${config.serviceName}-${config.stage}-${props.functionDir}`,
          });
  }
}

function observabilityEnvironment(scope: Construct, config: StageConfig): Record<string, string> {
  return {
    POWERTOOLS_SERVICE_NAME: config.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(config),
    LOG_LEVEL: config.logLevel,
    METRICS_FLUSH_INTERVAL_SECONDS: '60',
    STAGE: config.stage,
    SENTRY_ENVIRONMENT: config.sentry.environment,
    GIT_COMMIT_SHA: releaseOf(scope),
    ...(config.sentry.dsn && { SENTRY_DSN: config.sentry.dsn }),
    ...(config.sentry.tracesSampleRate !== undefined && {
      SENTRY_TRACES_SAMPLE_RATE: String(config.sentry.tracesSampleRate),
    }),
  };
}

/** What AWSLambdaVPCAccessExecutionRole grants, inline, so that no AWS-managed policy is attached. */
function grantNetworkInterfaces(role: iam.Role): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        'ec2:CreateNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: ['*'],
    }),
  );
}
