import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import type { DatabaseAccess } from './database-access';
import type { VpcPlacement } from './monitoring-network';
import { metricsNamespace, ObservedFunction } from './observed-function';
import type { RedisAccess } from './redis-access';
import { describeAlarm } from './runbook';
import { ScheduledTarget } from './scheduled-target';

/** Seconds the function's timeout leaves above HEALTH_CHECK_TIMEOUT: cold start, secret read, EMF flush. */
export const HEALTH_FUNCTION_HEADROOM_SECONDS = 4;

/** Must match `lambdas/health/health-metrics.ts`. */
export const HEALTHY_METRIC = 'health_check_healthy';
export const HEALTH_COMPONENTS = ['database', 'redis'] as const;

export interface HealthCheckProps {
  config: StageConfig;
  key: kms.IKey;
  httpApi: apigw.HttpApi;
  /** Marks a route as deliberately anonymous (`SignUpFlowApi.publicRoute`). */
  publicRoute: (route: apigw.HttpRoute | undefined, reason: string) => void;
  /** The endpoint and password secret of Postgres, shared with the API function. */
  database: DatabaseAccess;
  redis: RedisAccess;
  /** The private subnets and the groups that reach Postgres and Redis. */
  vpcPlacement: VpcPlacement;
}

/**
 * GET /health, /ready and /live on the HTTP API, served by the health function; a probe every minute whose
 * undeliverable events are dead-lettered; and one alarm per component that fires when it was unhealthy in 3
 * of the last 5 minutes.
 */
export class HealthCheck extends Construct {
  readonly healthFunction: ObservedFunction;
  readonly routes: apigw.HttpRoute[];
  readonly schedule: events.Rule;
  /** The schedule's target, with its retry policy, dead-letter queue and alarm. */
  readonly probeTarget: ScheduledTarget;
  /** One per component: `<service>-<stage>-health-database`, `...-health-redis`. */
  readonly componentAlarms: cloudwatch.Alarm[];
  /** The component alarms and the function's own (errors, throttles, duration). */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: HealthCheckProps) {
    super(scope, id);
    const { config, key, database, redis } = props;

    this.healthFunction = new ObservedFunction(this, 'HealthFunction', {
      config,
      key,
      functionDir: 'health',
      description: 'SignUpFlow health checks: /health, /ready and /live, and the probe every minute',
      timeout: Duration.seconds(Math.ceil(config.health.timeoutSeconds) + HEALTH_FUNCTION_HEADROOM_SECONDS),
      environment: {
        ...database.environment,
        ...redis.environment,
        HEALTH_CHECK_TIMEOUT: String(config.health.timeoutSeconds),
        HEALTH_DATABASE_TIMEOUT_MS: String(config.health.databaseTimeoutMs),
        HEALTH_REDIS_TIMEOUT_MS: String(config.health.redisTimeoutMs),
        HEALTH_CACHE_SECONDS: String(config.health.cacheSeconds),
      },
      // Each environment keeps a database session, and /health is anonymous: this caps the sessions.
      reservedConcurrency: config.reservedConcurrency?.health,
      vpcPlacement: props.vpcPlacement,
    });
    database.grantRead(this.healthFunction);
    redis.grantRead(this.healthFunction);

    const integration = new HttpLambdaIntegration('HealthIntegration', this.healthFunction);
    const reasons: Record<string, string> = {
      '/health': 'Load balancers and on-call staff call /health without credentials; it reveals no data.',
      '/ready': 'Deployment tooling probes /ready without credentials during rollouts; it reveals no data.',
      '/live': 'Load balancers probe /live without credentials; it answers without touching any dependency.',
    };
    this.routes = Object.entries(reasons).map(([path, reason]) => {
      const [route] = props.httpApi.addRoutes({ path, methods: [apigw.HttpMethod.GET], integration });
      props.publicRoute(route, reason);
      return route as apigw.HttpRoute;
    });

    // A retry within the minute still gives that minute its data point; an older probe adds nothing.
    this.probeTarget = new ScheduledTarget(this, 'ProbeTarget', {
      config,
      key,
      fn: this.healthFunction,
      name: 'health-probe',
      retryAttempts: 2,
      maxEventAge: Duration.minutes(1),
    });
    this.schedule = new events.Rule(this, 'ProbeSchedule', {
      description: 'Runs the health check every minute so that its metrics exist without traffic',
      schedule: events.Schedule.rate(Duration.minutes(1)),
      targets: [this.probeTarget.target],
    });

    this.componentAlarms = HEALTH_COMPONENTS.map((component) => componentAlarm(this, config, component));
    this.alarms = [...this.componentAlarms, ...this.healthFunction.alarms, this.probeTarget.deadLetterAlarm];
  }
}

function componentAlarm(scope: Construct, config: StageConfig, component: string): cloudwatch.Alarm {
  const alarmName = `${config.serviceName}-${config.stage}-health-${component}`;
  return new cloudwatch.Alarm(scope, `${component === 'database' ? 'Database' : 'Redis'}UnhealthyAlarm`, {
    alarmName,
    alarmDescription: describeAlarm(
      `${component} failed the health check in at least 3 of the last 5 minutes (GET /health shows the error category). ` +
        'No data counts as failing: the probe runs every minute, so silence means the health function itself is broken.',
      component === 'database' ? 'healthDatabase' : 'healthRedis',
    ),
    metric: new cloudwatch.Metric({
      namespace: metricsNamespace(config),
      metricName: HEALTHY_METRIC,
      dimensionsMap: { service: config.serviceName, component },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.minutes(1),
    }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}
