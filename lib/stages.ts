/**
 * One entry per deployment stage, chosen with `cdk synth -c stage=NAME`. Validated by `lib/config.ts`;
 * the README's configuration reference explains every key.
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
  database: {
    host: 'postgres.signupflow.internal',
    port: 5432,
    name: 'signupflow',
    user: 'signupflow_monitor',
  },
  redis: { host: 'redis.signupflow.internal', port: 6379, tls: true },
};

export const STAGES: Record<string, unknown> = {
  dev: {
    ...shared,
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
};
