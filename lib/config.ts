import { z } from 'zod';
import { ENDPOINT_SERVICES } from './aws-service-endpoints';
import { isCompleteSecretArn } from './imported-secret';
import { STAGES } from './stages';

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Lambda's application log levels a stage may choose. Not WARN or ERROR: EMF documents carry no `level`, so
 * Lambda files them as INFO and a WARN filter would drop every custom metric. Powertools Logger follows the
 * level Lambda sets (AWS_LAMBDA_LOG_LEVEL).
 */
export const LOG_LEVELS = ['DEBUG', 'INFO'] as const;
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

const secretArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:.+$/, {
    message: 'must be a Secrets Manager secret ARN',
    abort: true,
  })
  .refine(isCompleteSecretArn, {
    message:
      "must be the secret's complete ARN, ending in the hyphen and 6 random characters Secrets Manager adds to its name (…:secret:NAME-AbC123), as `aws secretsmanager describe-secret` shows it",
  });

const reservedConcurrency = z.number().int().min(1).max(1_000);

const hostname = z.string().regex(/^[a-zA-Z0-9.-]+$/, 'must be a host name');
const port = z.number().int().min(1).max(65_535);

const slackWebhookSchema = z.strictObject({
  /** The quick start's SLACK_ALERT_CHANNEL: Slack app webhooks post to one channel each, so the name selects the webhook. */
  channel: z.string().regex(/^#[a-z0-9_-]+$/, 'must be a Slack channel name such as #alerts'),
  /** Severities routed to this webhook; omitted means every severity. */
  severities: z.array(z.enum(SEVERITIES)).nonempty().optional(),
  /** Secret holding the webhook URL; omitted means the stack creates an empty secret to fill in after deploy. */
  webhookSecretArn: secretArn.optional(),
});

const kmsKeyArn = z.string().regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/.+$/, 'must be a KMS key ARN');
const securityGroupId = z
  .string()
  .regex(/^sg-[0-9a-f]{8,17}$/, 'must be a security group id such as sg-0abc12345');
/** Postgres role names the migration creates: unquoted identifiers only. */
const roleName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case Postgres role name');
const databaseName = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case Postgres database name');

/** A required block whose absence gets a message naming what belongs there, not zod's "expected object". */
function requiredBlock(what: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? `required: ${what}` : undefined);
}

const existingNetworkSchema = z
  .strictObject({
    source: z.literal('existing'),
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, 'must be a VPC id such as vpc-0abc'),
    availabilityZones: z.array(z.string().min(1)).nonempty(),
    privateSubnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]+$/, 'must be a subnet id')).nonempty(),
    /**
     * How those subnets reach AWS: `nat`, a route to a NAT the VPC already has (AWS APIs, Sentry and InfluxDB
     * over the internet); `endpoints`, interface endpoints the stack creates for the AWS APIs the functions
     * call (no internet: Sentry and an InfluxDB outside the VPC are unreachable).
     */
    egress: z.enum(['nat', 'endpoints']),
    /** With `endpoints`: services the VPC already has interface endpoints for, private DNS on; not created again. */
    existingEndpoints: z.array(z.enum(ENDPOINT_SERVICES)).optional(),
  })
  .refine((network) => network.availabilityZones.length === network.privateSubnetIds.length, {
    message: 'availabilityZones and privateSubnetIds must have one entry per subnet',
  })
  .refine((network) => new Set(network.availabilityZones).size === network.availabilityZones.length, {
    message: 'one subnet per availability zone: an interface endpoint takes one subnet of each zone',
    path: ['availabilityZones'],
  })
  .refine((network) => network.egress === 'endpoints' || network.existingEndpoints === undefined, {
    message: "existingEndpoints is only for egress 'endpoints'",
    path: ['existingEndpoints'],
  });

/** The sandbox: a VPC of its own, two AZs, private subnets out through one NAT instance (docs/deploy.md). */
const sandboxNetworkSchema = z.strictObject({ source: z.literal('sandbox') });

const networkSchema = z.discriminatedUnion('source', [existingNetworkSchema, sandboxNetworkSchema], {
  error: requiredBlock(
    "the VPC and private subnets of the functions that reach Postgres and Redis: { source: 'existing', vpcId, availabilityZones, privateSubnetIds, egress } or { source: 'sandbox' } (docs/deploy.md)",
  ),
});

const existingDatabaseSchema = z
  .strictObject({
    source: z.literal('existing'),
    /** The endpoint the functions connect to. */
    host: hostname,
    port,
    name: databaseName,
    /** The monitoring role the functions log in as; the deploy's migration creates it and its grants. */
    user: roleName,
    /** The name on the server's certificate when `host` is an alias (a CNAME to the RDS endpoint). */
    tlsServerName: hostname.optional(),
    /** Secret with the monitoring role's `password`; omitted means the stack generates one (never in the template). */
    passwordSecretArn: secretArn.optional(),
    /** The customer-managed KMS key of that secret, when it has one (an RDS-managed secret may). */
    passwordSecretKeyArn: kmsKeyArn.optional(),
    /**
     * Secret with `username` and `password` of a role that owns the schema and may create roles (the RDS
     * master secret will do): the deploy-time migration logs in with it, nothing else reads it.
     */
    adminSecretArn: secretArn,
    adminSecretKeyArn: kmsKeyArn.optional(),
    /** The database's security group: the stack lets its Postgres clients in on `port`. */
    securityGroupId: securityGroupId.optional(),
    /** Or a group of the VPC the database already lets in: the functions that reach Postgres join it. */
    clientSecurityGroupId: securityGroupId.optional(),
  })
  .refine(
    (database) => (database.securityGroupId === undefined) !== (database.clientSecurityGroupId === undefined),
    {
      message:
        "give securityGroupId (the database's group: the stack lets its clients in) or clientSecurityGroupId (a group the database lets in already), not both: without either the deploy's schema migration cannot reach Postgres",
      path: ['securityGroupId'],
    },
  );

/** The sandbox's own Postgres: RDS, db.t4g.micro, one AZ, the stack's network. */
const sandboxDatabaseSchema = z.strictObject({
  source: z.literal('sandbox'),
  name: databaseName,
  user: roleName,
});

const databaseSchema = z.discriminatedUnion('source', [existingDatabaseSchema, sandboxDatabaseSchema], {
  error: requiredBlock(
    "the Postgres the functions use: { source: 'existing', host, port, ... } or { source: 'sandbox', name, user }",
  ),
});

const existingRedisSchema = z
  .strictObject({
    source: z.literal('existing'),
    host: hostname,
    port,
    tls: z.boolean(),
    /** The name on the server's certificate when `host` is an alias (a CNAME to the ElastiCache endpoint). */
    tlsServerName: hostname.optional(),
    /** Secret with `password` and optionally `username` (Redis ACL / ElastiCache RBAC user); omitted: no AUTH. */
    authSecretArn: secretArn.optional(),
    authSecretKeyArn: kmsKeyArn.optional(),
    /** Redis's security group: the stack lets its Redis clients in. Omitted: add that rule after the deploy. */
    securityGroupId: securityGroupId.optional(),
    /** Or a group of the VPC Redis already lets in: the functions that reach Redis join it. */
    clientSecurityGroupId: securityGroupId.optional(),
  })
  .refine((redis) => redis.securityGroupId === undefined || redis.clientSecurityGroupId === undefined, {
    message: 'give securityGroupId or clientSecurityGroupId, not both',
    path: ['clientSecurityGroupId'],
  });

/** The sandbox's own Redis: ElastiCache for Valkey, one cache.t4g.micro node, TLS, the stack's network. */
const sandboxRedisSchema = z.strictObject({ source: z.literal('sandbox') });

const redisSchema = z.discriminatedUnion('source', [existingRedisSchema, sandboxRedisSchema], {
  error: requiredBlock(
    "the Redis the functions use: { source: 'existing', host, port, tls } or { source: 'sandbox' }",
  ),
});

export const stageConfigSchema = z
  .strictObject({
    serviceName: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/, 'must be lower-case letters, digits and dashes'),
    stage: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/, 'must be lower-case letters, digits and dashes'),
    /**
     * Where the stage lives, when its network and secrets are named by id (they exist in one account and
     * region only): the stack is bound to them, and CDK refuses a deploy with another account's credentials.
     * Omitted (the sandbox): the account and region of the credentials that deploy.
     */
    account: z
      .string()
      .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
      .optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1')
      .optional(),
    /** Production stages keep the key and log groups when the stack is deleted. */
    production: z.boolean(),
    logRetentionDays: z.number().refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `must be one of ${LOG_RETENTION_DAYS.join(', ')}`,
    }),
    logLevel: z.enum(LOG_LEVELS),
    sentry: z.strictObject({
      /** The DSN is public by design (browsers embed it), so it is configuration, not a secret. */
      dsn: z.url({ protocol: /^https?$/ }).optional(),
      environment: z.string().min(1),
      tracesSampleRate: z.number().min(0).max(1).optional(),
    }),
    /** The quick start's ALERT_EVALUATION_INTERVAL; EventBridge schedules run in whole minutes. */
    alertEvaluationIntervalSeconds: z
      .number()
      .int()
      .min(60)
      .max(3_600)
      .refine((seconds) => seconds % 60 === 0, 'must be a whole number of minutes (a multiple of 60)'),
    /**
     * METRICS_EXPORT_EVERY_MINUTES: how often the evaluator exports CloudWatch's metrics to /metrics and
     * InfluxDB, every minute of them each time. GetMetricData bills per metric and call: every 5 minutes costs
     * a fifth of every minute, and /metrics and InfluxDB run that much behind.
     */
    metricsExportEveryMinutes: z.number().int().min(1).max(15),
    health: z.strictObject({
      timeoutSeconds: z.number().min(0.5).max(25),
      databaseTimeoutMs: z.number().int().min(100).max(25_000),
      redisTimeoutMs: z.number().int().min(100).max(25_000),
      /** HEALTH_CACHE_SECONDS: how long an HTTP check's result is reused (0: never); the schedule never reuses. */
      cacheSeconds: z.number().min(0).max(60),
    }),
    /**
     * Reserved concurrency per function: a cap (the anonymous health endpoints cannot open more database
     * sessions than this) and a guarantee (an API burst cannot throttle alerting). Omitted: unreserved. Lambda
     * keeps 100 of the account's concurrency unreserved, so an account with a low quota may have to omit it.
     */
    reservedConcurrency: z
      .strictObject({
        health: reservedConcurrency.optional(),
        slackNotifier: reservedConcurrency.optional(),
        alertEvaluator: reservedConcurrency.optional(),
        metricsExporter: reservedConcurrency.optional(),
      })
      .optional(),
    alarms: z.strictObject({
      /** The API's 5xx rate: 100 x 5xx / Count of API Gateway, over `periodSeconds`, M of N. */
      apiServerErrors: z
        .strictObject({
          thresholdPercent: z.number().gt(0).max(100),
          periodSeconds: z.union([z.literal(60), z.literal(300), z.literal(900), z.literal(3_600)]),
          evaluationPeriods: z.number().int().min(1).max(60),
          datapointsToAlarm: z.number().int().min(1).max(60),
        })
        .refine((alarm) => alarm.datapointsToAlarm <= alarm.evaluationPeriods, {
          message: 'datapointsToAlarm must not exceed evaluationPeriods',
          path: ['datapointsToAlarm'],
        }),
    }),
    slack: z.strictObject({
      alertChannel: z.string().regex(/^#[a-z0-9_-]+$/, 'must be a Slack channel name such as #alerts'),
      webhooks: z.array(slackWebhookSchema).nonempty(),
    }),
    email: z.strictObject({ addresses: z.array(z.email()) }),
    /** Where the functions that reach Postgres and Redis run, and how they reach AWS (docs/deploy.md). */
    network: networkSchema,
    database: databaseSchema,
    redis: redisSchema,
    influxdb: z
      .strictObject({
        url: z.url({ protocol: /^https?$/ }),
        org: z.string().min(1),
        bucket: z.string().min(1),
        /** The metrics export's token: write access to `bucket`. */
        tokenSecretArn: secretArn,
        /** Flux rules' token: read access only (docs/alert-rules.md); without it, Flux rules are in ERROR. */
        readTokenSecretArn: secretArn.optional(),
      })
      .optional(),
    api: z.strictObject({
      throttle: z.strictObject({
        rateLimit: z.number().int().min(1),
        burstLimit: z.number().int().min(1),
      }),
      /** The quick start's POST /api/trigger-test-error: off, open, or callable only with IAM (SigV4) credentials. */
      testErrorRoute: z.enum(['disabled', 'anonymous', 'iam']),
      /**
       * X-Ray for the API function: `active` records 1 request a second and 5% of the rest (about $78 a month at
       * 100 requests/s); `pass-through` only traces requests whose caller sampled them.
       */
      tracing: z.enum(['active', 'pass-through']),
    }),
  })
  .refine((config) => !(config.production && config.api.testErrorRoute === 'anonymous'), {
    message: "must be 'disabled' or 'iam' in a production stage",
    path: ['api', 'testErrorRoute'],
  })
  .refine(
    (config) =>
      config.network.source === 'sandbox' || (config.account !== undefined && config.region !== undefined),
    {
      message:
        'a stage that names an existing network needs its account and region: its VPC, subnets and secrets exist there only',
      path: ['region'],
    },
  )
  .refine(
    (config) =>
      new Set([config.network, config.database, config.redis].map((block) => block.source)).size === 1,
    {
      message:
        "network, database and redis must all be 'sandbox' (the stack creates them) or all 'existing': the sandbox's data stores live in its own network",
      path: ['network', 'source'],
    },
  );

export type StageConfig = z.infer<typeof stageConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates one stage's configuration; every problem is named by its key. */
export function parseStageConfig(input: unknown, source = 'config'): StageConfig {
  const result = stageConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.length > 0 ? issue.path.join('.') : '(root)';
    return `  - ${source}.${key}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/** The configuration chosen with `-c stage=NAME`; `dev` when none is given. */
export function loadStageConfig(
  stageName: unknown = 'dev',
  stages: Record<string, unknown> = STAGES,
): StageConfig {
  const names = Object.keys(stages);
  if (typeof stageName !== 'string' || !Object.hasOwn(stages, stageName)) {
    throw new ConfigError(
      `Invalid configuration:\n  - stage: got '${String(stageName)}', expected one of ${names.join(', ')}`,
    );
  }
  return parseStageConfig(stages[stageName], `stages.${stageName}`);
}
