/**
 * One entry per deployment stage, chosen with `cdk synth -c stage=NAME`. Validated by `lib/config.ts`;
 * docs/configuration.md explains every key and docs/deploy.md the network and data-store blocks.
 */
const shared = {
  serviceName: 'signupflow',
  alertEvaluationIntervalSeconds: 60,
  // Grafana over InfluxDB and Prometheus' rate() over 10 minutes or more are served well 5 minutes behind,
  // at a fifth of the GetMetricData bill of every minute (docs/metrics-export.md); alerting is the evaluator's.
  metricsExportEveryMinutes: 5,
  health: { timeoutSeconds: 3, databaseTimeoutMs: 2_000, redisTimeoutMs: 1_000, cacheSeconds: 5 },
  // Five health environments: five database sessions at most, each answering hundreds of requests a second
  // from its 5 s cache. Five notifiers: alarms arrive one by one, and a burst elsewhere cannot take them.
  // Two evaluators: one run a minute, and room for an overlapping one (which writes nothing twice). Two
  // exporters: Prometheus scrapes one at a time, and a flood of unauthenticated /metrics calls stays small.
  reservedConcurrency: { health: 5, slackNotifier: 5, alertEvaluator: 2, metricsExporter: 2 },
  // 5% of requests failing in 3 of 5 minutes: one bad request does not page, a broken release does.
  alarms: {
    apiServerErrors: { thresholdPercent: 5, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
  },
};

/**
 * SignUpFlow's own network and data stores in its AWS account (eu-west-1), which dev, staging and production
 * monitor. The ids and ARNs below are SignUpFlow's; another team replaces them with its own before the first
 * deploy, and `npm run verify -- --stage NAME --preflight` checks each of them against the account.
 */
function signupflowDataPlane(environment: 'dev' | 'staging' | 'production') {
  const account = { dev: '111111111111', staging: '222222222222', production: '333333333333' }[environment];
  const suffix = { dev: 'Dv4x9Q', staging: 'St7k2P', production: 'Pr0d9Z' }[environment];
  return {
    account,
    region: 'eu-west-1',
    network: {
      source: 'existing',
      vpcId: {
        dev: 'vpc-0d1e2f3a4b5c6d7e8',
        staging: 'vpc-05a6b7c8d9e0f1a2b',
        production: 'vpc-0a1b2c3d4e5f60718',
      }[environment],
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      privateSubnetIds: {
        dev: ['subnet-0d1a2b3c4d5e6f708', 'subnet-0d2b3c4d5e6f70819'],
        staging: ['subnet-05a1b2c3d4e5f6071', 'subnet-05b2c3d4e5f607182'],
        production: ['subnet-0a1a2b3c4d5e6f708', 'subnet-0a2b3c4d5e6f70819'],
      }[environment],
      // SignUpFlow's VPCs route their private subnets through a NAT gateway (Sentry needs the internet).
      egress: 'nat',
    },
    database: {
      source: 'existing',
      host: `signupflow-${environment}.cluster-c9akciq32.eu-west-1.rds.amazonaws.com`,
      port: 5432,
      name: 'signupflow',
      user: 'signupflow_monitor',
      // The RDS-managed master secret: the deploy-time migration logs in with it, nothing else reads it.
      adminSecretArn: `arn:aws:secretsmanager:eu-west-1:${account}:secret:rds!cluster-signupflow-${environment}-${suffix}`,
      securityGroupId: {
        dev: 'sg-0d1e2f3a4b5c6d7e8',
        staging: 'sg-05a6b7c8d9e0f1a2b',
        production: 'sg-0a1b2c3d4e5f60718',
      }[environment],
    },
    redis: {
      source: 'existing',
      host: `master.signupflow-${environment}.x1yz2a.euw1.cache.amazonaws.com`,
      port: 6379,
      tls: true,
      securityGroupId: {
        dev: 'sg-0d9e8f7a6b5c4d3e2',
        staging: 'sg-05f6e7d8c9b0a1f2e',
        production: 'sg-0a9b8c7d6e5f40312',
      }[environment],
    },
  };
}

/** Stages people deploy from their own machines; the pipeline deploys the others, in order. */
export const HAND_DEPLOYED_STAGES = ['dev', 'sandbox'];

export const STAGES: Record<string, unknown> = {
  dev: {
    ...shared,
    ...signupflowDataPlane('dev'),
    stage: 'dev',
    production: false,
    logRetentionDays: 14,
    logLevel: 'DEBUG',
    sentry: { environment: 'development' },
    slack: { alertChannel: '#signupflow-alerts-dev', webhooks: [{ channel: '#signupflow-alerts-dev' }] },
    email: { addresses: [] },
    api: { throttle: { rateLimit: 50, burstLimit: 100 }, testErrorRoute: 'anonymous', tracing: 'active' },
  },
  staging: {
    ...shared,
    ...signupflowDataPlane('staging'),
    stage: 'staging',
    production: false,
    logRetentionDays: 30,
    logLevel: 'INFO',
    sentry: { environment: 'staging', tracesSampleRate: 0.1 },
    slack: {
      alertChannel: '#signupflow-alerts-staging',
      webhooks: [{ channel: '#signupflow-alerts-staging' }],
    },
    email: { addresses: [] },
    api: { throttle: { rateLimit: 100, burstLimit: 200 }, testErrorRoute: 'iam', tracing: 'active' },
  },
  production: {
    ...shared,
    ...signupflowDataPlane('production'),
    stage: 'production',
    production: true,
    logRetentionDays: 90,
    logLevel: 'INFO',
    sentry: { environment: 'production', tracesSampleRate: 0.01 },
    slack: {
      alertChannel: '#signupflow-alerts',
      webhooks: [
        { channel: '#signupflow-alerts', severities: ['warning', 'info'] },
        { channel: '#signupflow-oncall', severities: ['critical'] },
      ],
    },
    email: { addresses: ['oncall@signupflow.example'] },
    // Sentry samples 1% of requests for performance; X-Ray on every request would cost more than the rest.
    api: { throttle: { rateLimit: 200, burstLimit: 400 }, testErrorRoute: 'iam', tracing: 'pass-through' },
  },
  /**
   * A working system in an empty account with one `cdk deploy -c stage=sandbox`: its own VPC (one NAT
   * instance), Postgres (RDS db.t4g.micro) and Redis (ElastiCache for Valkey, cache.t4g.micro). No reserved
   * concurrency: new accounts often have a concurrency quota of 10, and Lambda keeps 100 unreserved.
   */
  sandbox: {
    ...shared,
    stage: 'sandbox',
    production: false,
    logRetentionDays: 7,
    logLevel: 'INFO',
    reservedConcurrency: undefined,
    network: { source: 'sandbox' },
    database: { source: 'sandbox', name: 'signupflow', user: 'signupflow_monitor' },
    redis: { source: 'sandbox' },
    sentry: { environment: 'sandbox' },
    slack: {
      alertChannel: '#signupflow-alerts-sandbox',
      webhooks: [{ channel: '#signupflow-alerts-sandbox' }],
    },
    email: { addresses: [] },
    api: { throttle: { rateLimit: 20, burstLimit: 40 }, testErrorRoute: 'iam', tracing: 'pass-through' },
  },
};
