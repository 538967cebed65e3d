import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ACCESS_LOG_FORMAT } from './access-log-format';
import type { StageConfig } from './config';
import type { DatabaseAccess } from './database-access';
import { createEncryptedLogGroup } from './encrypted-log-group';
import type { VpcPlacement } from './monitoring-network';
import { ObservedFunction } from './observed-function';
import { describeAlarm } from './runbook';

export interface SignUpFlowApiProps {
  config: StageConfig;
  key: kms.IKey;
  database: DatabaseAccess;
  /** The private subnets and the groups that reach Postgres. */
  vpcPlacement: VpcPlacement;
}

/** The HTTP API with access logs and throttling, and SignUpFlow's `/api/*` routes. */
export class SignUpFlowApi extends Construct {
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;
  readonly apiFunction: ObservedFunction;
  /** `<service>-<stage>-api-5xx-rate`: the share of requests API Gateway answered with a 5xx. */
  readonly serverErrorRateAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: SignUpFlowApiProps) {
    super(scope, id);
    const { config, key, database } = props;

    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: `${config.serviceName}-${config.stage}`,
      description: `SignUpFlow API and health checks (${config.stage})`,
      createDefaultStage: false,
    });
    // Access logs are read with Logs Insights when something went wrong, never turned into metrics (the
    // request metrics are EMF from the function, the stage's own are AWS/ApiGateway): Infrequent Access
    // ingests them at half the price.
    this.accessLogGroup = createEncryptedLogGroup(this, 'AccessLogs', {
      config,
      key,
      logGroupClass: logs.LogGroupClass.INFREQUENT_ACCESS,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: config.api.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });

    this.serverErrorRateAlarm = serverErrorRateAlarm(this, config, this.stage);

    this.apiFunction = new ObservedFunction(this, 'ApiFunction', {
      config,
      key,
      functionDir: 'api',
      description: 'SignUpFlow API: events of an organisation, and the test error',
      timeout: Duration.seconds(10),
      environment: { ...database.environment, TEST_ERROR_ROUTE: config.api.testErrorRoute },
      tracing: config.api.tracing === 'active' ? lambda.Tracing.ACTIVE : lambda.Tracing.PASS_THROUGH,
      vpcPlacement: props.vpcPlacement,
    });
    database.grantRead(this.apiFunction);
    const integration = new HttpLambdaIntegration('ApiIntegration', this.apiFunction);

    const [listEvents] = this.httpApi.addRoutes({
      path: '/api/events',
      methods: [apigw.HttpMethod.GET],
      integration,
    });
    this.publicRoute(
      listEvents,
      'GET /api/events lists public volunteer events, as the SignUpFlow web app does.',
    );

    if (config.api.testErrorRoute !== 'disabled') {
      const [testError] = this.httpApi.addRoutes({
        path: '/api/trigger-test-error',
        methods: [apigw.HttpMethod.POST],
        integration,
        ...(config.api.testErrorRoute === 'iam' && { authorizer: new HttpIamAuthorizer() }),
      });
      if (config.api.testErrorRoute === 'anonymous') {
        this.publicRoute(
          testError,
          'The test error is open only in non-production stages; config rejects it in production.',
        );
      }
    }
  }

  /** Marks a route as deliberately anonymous, with the reason a reviewer reads in cdk-nag's report. */
  publicRoute(route: apigw.HttpRoute | undefined, reason: string): void {
    if (!route) return;
    Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
  }
}

/**
 * The 5xx rate of the stage, as API Gateway counts it: a handler that catches its error and answers 500 is
 * invisible to Lambda's Errors metric, and so are integration failures. 100 x 5xx / Count per period; a period
 * without requests has no data point and does not count.
 */
function serverErrorRateAlarm(
  scope: Construct,
  config: StageConfig,
  stage: apigw.HttpStage,
): cloudwatch.Alarm {
  const { thresholdPercent, periodSeconds, evaluationPeriods, datapointsToAlarm } =
    config.alarms.apiServerErrors;
  const period = Duration.seconds(periodSeconds);
  const alarmName = `${config.serviceName}-${config.stage}-api-5xx-rate`;
  return new cloudwatch.Alarm(scope, 'ServerErrorRateAlarm', {
    alarmName,
    alarmDescription: describeAlarm(
      `More than ${thresholdPercent}% of API requests answered 5xx in ${datapointsToAlarm} of the last ${evaluationPeriods} ` +
        `${periodSeconds / 60}-minute periods (API Gateway 5xx / Count, every route including /health). Covers ` +
        'application errors answered as 500, Lambda timeouts and crashes, throttled functions and integration ' +
        'failures, none of which the function Errors alarms see.',
      'api5xxRate',
    ),
    metric: new cloudwatch.MathExpression({
      label: '5xx rate (%)',
      expression: '100 * FILL(errors, 0) / requests',
      usingMetrics: {
        errors: stage.metric('5xx', { statistic: cloudwatch.Stats.SUM, period }),
        requests: stage.metric('Count', { statistic: cloudwatch.Stats.SUM, period }),
      },
      period,
    }),
    threshold: thresholdPercent,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
