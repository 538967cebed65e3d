import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import type { VpcPlacement } from './monitoring-network';
import { ObservedFunction } from './observed-function';
import type { RedisAccess } from './redis-access';

export interface MetricsExporterProps {
  config: StageConfig;
  key: kms.IKey;
  httpApi: apigw.HttpApi;
  /** Marks a route as anonymous at API Gateway (`SignUpFlowApi.publicRoute`). */
  publicRoute: (route: apigw.HttpRoute | undefined, reason: string) => void;
  redis: RedisAccess;
  /** The private subnets and the group that reaches Redis. */
  vpcPlacement: VpcPlacement;
}

/**
 * GET /metrics on the HTTP API: the exporter function renders the snapshot the alert evaluator writes to Redis
 * once a minute, for Prometheus, behind a bearer token. The token is a secret the stack generates (never in the
 * template); the function reads that secret and Redis, and nothing in CloudWatch.
 */
export class MetricsExporter extends Construct {
  readonly exporterFunction: ObservedFunction;
  readonly tokenSecret: secretsmanager.Secret;
  readonly route: apigw.HttpRoute;
  /** The function's own alarms (errors, throttles, duration). */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: MetricsExporterProps) {
    super(scope, id);
    const { config, key } = props;

    this.tokenSecret = new secretsmanager.Secret(this, 'TokenSecret', {
      description: `Bearer token Prometheus scrapes GET /metrics of ${config.serviceName} monitoring (${config.stage}) with`,
      encryptionKey: key,
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.tokenSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The scrape token is shared with the Prometheus server, which reads it from a file: it is rotated by putting a new value and updating that file (README, "/metrics"); the function reads the new value within 5 minutes.',
    });

    this.exporterFunction = new ObservedFunction(this, 'ExporterFunction', {
      config,
      key,
      functionDir: 'metrics-exporter',
      description: 'SignUpFlow GET /metrics: the Redis snapshot of the metrics export, for Prometheus',
      timeout: Duration.seconds(5),
      environment: {
        ...props.redis.environment,
        METRICS_REDIS_TIMEOUT_MS: String(config.health.redisTimeoutMs),
        METRICS_TOKEN_SECRET_ARN: this.tokenSecret.secretArn,
      },
      vpcPlacement: props.vpcPlacement,
      reservedConcurrency: config.reservedConcurrency?.metricsExporter,
    });
    this.tokenSecret.grantRead(this.exporterFunction);
    props.redis.grantRead(this.exporterFunction);

    const [route] = props.httpApi.addRoutes({
      path: '/metrics',
      methods: [apigw.HttpMethod.GET],
      integration: new HttpLambdaIntegration('ExporterIntegration', this.exporterFunction),
    });
    props.publicRoute(
      route,
      'Prometheus scrapes /metrics with a bearer token that the function checks (constant-time, against the stack-generated secret); without it the answer is 401.',
    );
    this.route = route as apigw.HttpRoute;
    this.alarms = this.exporterFunction.alarms;
  }
}
