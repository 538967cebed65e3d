import { Redis } from 'ioredis';
import pg from 'pg';
import { snapshotKey } from '../../lambdas/shared/metrics-snapshot';
import { applyMigrations } from '../migrations';
import {
  type PublishedMessage,
  SOAK_METRIC,
  SOAK_NAMESPACE,
  startCloudWatch,
  startSecretsManager,
  startSns,
  startSqs,
} from './aws-stand-ins';
import { checkSoak, type SoakChecks } from './checks';
import { FaultPlan } from './fault-plan';
import type { Dependency, Faultable, FaultKind, Mode } from './faults';
import { startInfluxDb, startSentry, startSlack } from './http-stand-ins';
import { MetricWorld, SoakClock } from './metric-world';
import { contextOf, NotifierSubscription, snsEventOf } from './notifier-subscription';
import { SeededRandom } from './random';
import { postedAlert } from './slack-posts';
import type { SoakOptions } from './soak-arguments';
import { TcpFaultProxy } from './tcp-fault-proxy';
import { Traffic } from './traffic';

/** Where the soak's own database is created: the local Postgres (scripts/ensure-services.sh). */
const ADMIN_URL = process.env.SOAK_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_PORT = Number(process.env.SOAK_REDIS_PORT ?? 6379);
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-soak-alerts';
const WEBHOOK_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:soak/slack-webhook-AbC123';

/** The notifier's Lambda timeout in the soak: 6 s of Slack retries, then the 6 s kept back. */
const NOTIFIER_TIMEOUT_MS = 12_000;
/** Ticks the drain may take before the soak calls what is left undrained. */
const MAX_DRAIN_TICKS = 40;

const CLOUDWATCH_RULES = 8;
/** Rules a fault makes poison: one whose row no release would accept, one whose state row a fault corrupts. */
const POISON_ROW_RULE = 'soak-poison-row';
const POISON_STATE_RULE = 'soak-cw-1';
const FLUX_RULE = 'soak-flux';

export interface SoakReport {
  seed: number;
  minutes: number;
  ticks: number;
  runs: {
    scheduled: number;
    skipped: number;
    late: number;
    retried: number;
    malformedEventsRefused: number;
    failed: number;
  };
  requests: Traffic['figures'] & { byStandIn: Record<string, number> };
  faults: Record<string, Record<FaultKind, number>>;
  faultEpisodes: number;
  notifier: { invocations: number; failed: number; sentToOnFailure: number; redriven: number };
  checks: SoakChecks;
  passed: boolean;
}

/**
 * `npm run soak`: the local alert loop of `npm start` (scripts/local-server.ts) with its AWS clients pointed at
 * stand-ins, Postgres and Redis behind fault proxies, a metric world the rules watch, and a fault plan that
 * breaks one dependency or another every few ticks. Then every fault heals, the loop drains, the dead letters are
 * redriven as the runbook says, and the outbox is held against what reached Slack.
 */
export async function runSoak(options: SoakOptions, log: (line: string) => void): Promise<SoakReport> {
  const random = new SeededRandom(options.seed);
  // The evaluated minutes start now and run ahead of the wall clock: what reads them with the wall clock (the
  // /metrics exporter's freshness) sees them as fresh. The metric world depends only on the seed.
  const start = new Date();
  const clock = new SoakClock(start);
  const world = new MetricWorld(options.seed, start);
  const databaseName = `signupflow_soak_${options.seed}_${process.pid}`;
  const admin = new pg.Pool({ connectionString: ADMIN_URL, max: 1 });
  await admin.query(`CREATE DATABASE ${databaseName}`);
  const databaseUrl = new URL(ADMIN_URL);
  databaseUrl.pathname = `/${databaseName}`;
  const direct = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });
  const closers: (() => Promise<unknown> | unknown)[] = [];
  try {
    await applyMigrations(databaseUrl.toString());
    await seedRules(direct);

    // Dependencies: proxies in front of the real Postgres and Redis, stand-ins for the rest
    const postgres = await TcpFaultProxy.start('postgres', Number(databaseUrl.port || 5432), 'drop');
    const redis = await TcpFaultProxy.start('redis', REDIS_PORT, 'redis-error');
    const posts: string[] = [];
    const deadLetters: string[] = [];
    let subscription: NotifierSubscription | undefined;
    const cloudwatch = await startCloudWatch(world);
    const sns = await startSns((message: PublishedMessage) => subscription?.deliver(message));
    const sqs = await startSqs(deadLetters);
    const slack = await startSlack(posts);
    const secretsManager = await startSecretsManager(
      WEBHOOK_SECRET_ARN,
      () => `${slack.url}/services/T0SOAK/B0SOAK/soak`,
    );
    const sentry = await startSentry();
    const tokens = { read: 'soak-read-token', write: 'soak-write-token' };
    const influx = await startInfluxDb(world, clock, tokens, FLUX_RULE);
    const standIns = [cloudwatch, sns, sqs, slack, secretsManager, sentry, influx];
    closers.push(
      ...standIns.map((standIn) => () => standIn.close()),
      () => postgres.close(),
      () => redis.close(),
    );

    setEnvironment({
      DATABASE_URL: `postgres://postgres@127.0.0.1:${postgres.port}/${databaseName}`,
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      AWS_ENDPOINT_URL_CLOUDWATCH: cloudwatch.url,
      AWS_ENDPOINT_URL_SNS: sns.url,
      AWS_ENDPOINT_URL_SQS: sqs.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      SLACK_WEBHOOKS: JSON.stringify([{ channel: '#soak', secretArn: WEBHOOK_SECRET_ARN }]),
      NOTIFIER_DLQ_URL: `${sqs.url}/123456789012/signupflow-soak-notifier-dlq`,
      SENTRY_DSN: `http://publickey@127.0.0.1:${sentry.port}/1`,
    });

    // The production code, imported once the environment points at the stand-ins
    const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
    const { SNSClient } = await import('@aws-sdk/client-sns');
    const { AWS_CALL_BUDGETS, awsClientSettings } = await import('../../lambdas/shared/deadlines');
    const { CloudWatchMetricSource } = await import('../../lambdas/alert-evaluator/cloudwatch-metric-source');
    const { SnsAlertPublisher } = await import('../../lambdas/alert-evaluator/alert-publisher');
    const { InfluxFluxSource } = await import('../../lambdas/alert-evaluator/flux-source');
    const { ExportStateStore } = await import('../../lambdas/alert-evaluator/export/export-state-store');
    const { RedisSnapshotWriter } = await import('../../lambdas/alert-evaluator/export/snapshot-writer');
    const { InfluxPointWriter } = await import('../../lambdas/alert-evaluator/export/influx-writer');
    const { LAMBDA_POOL_SETTINGS } = await import('../../lambdas/shared/database');
    const { redisSettings } = await import('../../lambdas/shared/connection-settings');
    const notifier = (await import('../../lambdas/slack-notifier/handler')).handler;
    const exporter = (await import('../../lambdas/metrics-exporter/handler')).handler;
    const evaluator = (await import('../../lambdas/alert-evaluator/handler')).handler;
    const { startLocalServer } = await import('../local-server');

    subscription = new NotifierSubscription(
      notifier,
      { concurrency: 5, timeoutMs: NOTIFIER_TIMEOUT_MS, retryDelayMs: options.tickMs },
      (payload) => deadLetters.push(payload),
    );
    const exportPool = new pg.Pool({ ...LAMBDA_POOL_SETTINGS, connectionString: process.env.DATABASE_URL });
    exportPool.on('error', () => undefined);
    closers.push(() => exportPool.end());
    const exportTimeoutMs = Math.round(options.tickMs / 5);
    const serverLines: string[] = [];
    const server = await startLocalServer({
      port: 0,
      migrate: false,
      log: (line) => serverLines.push(line),
      now: () => clock.now(),
      alerting: {
        timer: false,
        runBudgetMs: Math.round(options.tickMs * 0.8),
        dependencies: {
          source: new CloudWatchMetricSource(
            new CloudWatchClient(awsClientSettings(AWS_CALL_BUDGETS.cloudWatch)),
          ),
          publisher: new SnsAlertPublisher(new SNSClient(awsClientSettings(AWS_CALL_BUDGETS.sns)), TOPIC_ARN),
          flux: new InfluxFluxSource({
            url: influx.url,
            token: tokens.read,
            org: 'signupflow',
            timeoutMs: exportTimeoutMs,
          }),
          metricsExport: {
            store: new ExportStateStore({ query: (_type, text, values) => exportPool.query(text, values) }),
            snapshots: new RedisSnapshotWriter(() => redisSettings(), exportTimeoutMs),
            influx: new InfluxPointWriter({
              url: influx.url,
              token: tokens.write,
              org: 'signupflow',
              bucket: 'monitoring',
              timeoutMs: exportTimeoutMs,
            }),
            serviceName: 'signupflow',
            stage: 'soak',
            everyMinutes: 1,
            evaluationIntervalSeconds: 60,
            worstCaseMs: 2 * exportTimeoutMs + 100,
          },
        },
      },
    });
    closers.unshift(() => server.close());
    const alerting = server.alerting;
    if (!alerting) throw new Error('the local server started without its alert loop');

    // Faults that change data rather than answers
    const redisClient = new Redis({ port: REDIS_PORT, host: '127.0.0.1', lazyConnect: true });
    redisClient.on('error', () => undefined);
    await redisClient.connect();
    closers.push(() => redisClient.quit());
    const schedule: Faultable = { dependency: 'schedule', mode: 'healthy', calls: 0 };
    const plan = new FaultPlan(
      random,
      [postgres, redis, ...standIns, schedule],
      (dependency: Dependency, mode: Mode) => {
        if (dependency === 'postgres') {
          const corrupt = mode === 'poison';
          void direct.query(
            corrupt
              ? `UPDATE alert_rule_state SET state_since = 'infinity' WHERE rule_id = $1`
              : `UPDATE alert_rule_state SET state_since = now() WHERE rule_id = $1 AND NOT isfinite(state_since)`,
            [POISON_STATE_RULE],
          );
        }
        if (dependency === 'redis' && mode === 'poison')
          void redisClient.set(snapshotKey('signupflow', 'soak'), '{"version": 2');
      },
    );

    const traffic = new Traffic(server.url, exporter);
    const runs = { scheduled: 0, skipped: 0, late: 0, retried: 0, malformedEventsRefused: 0, failed: 0 };
    const inFlight = new Set<Promise<unknown>>();
    const run = () => {
      runs.scheduled += 1;
      const running = alerting
        .evaluateNow()
        .catch((error: Error) => {
          runs.failed += 1;
          serverLines.push(`run failed: ${error.message}`);
        })
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    };
    const tick = async (index: number, faults: boolean) => {
      clock.advance();
      if (faults) plan.step(index);
      const mode = faults ? plan.modeOf('schedule') : 'healthy';
      if (mode === 'healthy') run();
      else if (mode === 'refused' || mode === 'hangs') runs.skipped += 1;
      else if (mode === 'error') {
        runs.retried += 1;
        setTimeout(run, options.tickMs / 2);
      } else if (mode === 'slow') {
        runs.late += 1;
        setTimeout(run, options.tickMs * 0.6);
      } else {
        await evaluator(
          { source: 'aws.events', 'detail-type': 'Scheduled Event', time: 'yesterday' },
          contextOf(10_000),
        ).then(
          () => serverLines.push('a malformed schedule event was accepted'),
          () => {
            runs.malformedEventsRefused += 1;
          },
        );
        run();
      }
      traffic.send(random);
      await sleep(options.tickMs);
    };

    const ticks = Math.max(1, Math.round((options.minutes * 60_000) / options.tickMs));
    log(
      `soak: seed ${options.seed}, ${ticks} ticks of ${options.tickMs} ms (${options.minutes} min), faults on`,
    );
    for (let index = 0; index < ticks; index++) {
      await tick(index, true);
      if (index > 0 && index % Math.max(1, Math.round(60_000 / options.tickMs)) === 0) {
        log(
          `soak: tick ${index}/${ticks}, ${plan.episodes.length} fault episodes so far, ${posts.length} Slack posts`,
        );
      }
    }

    // The drain: every dependency healthy, the metric world still, the waits of DB time passed
    plan.heal();
    world.freeze(clock.now());
    await Promise.all(inFlight);
    await direct.query(
      'UPDATE alert_notifications SET retry_after = now(), claimed_until = NULL WHERE outcome IS NULL',
    );
    let drainTicks = 0;
    for (; drainTicks < MAX_DRAIN_TICKS; drainTicks++) {
      await tick(ticks + drainTicks, false);
      await Promise.all(inFlight);
      const { rows } = await direct.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM alert_notifications WHERE outcome IS NULL',
      );
      if ((rows[0]?.n ?? 0) === 0 && subscription.busy === 0 && drainTicks >= 2) break;
    }
    await traffic.settled();
    log(`soak: drained in ${drainTicks + 1} ticks; redriving ${deadLetters.length} dead letter(s)`);

    // The runbook's redrive: each dead letter back to the notifier alone
    let redriven = 0;
    for (let round = 0; round < 3 && deadLetters.length > 0; round++) {
      for (const letter of deadLetters.splice(0)) {
        redriven += 1;
        await notifier(redriveEvent(letter), contextOf(NOTIFIER_TIMEOUT_MS)).catch((error: Error) => {
          serverLines.push(`redrive failed: ${error.message}`);
        });
      }
    }

    const alerts = posts.map(postedAlert).filter((alert) => alert !== undefined);
    const checks = await checkSoak(direct, alerts, [{ ruleId: POISON_ROW_RULE, expectError: true }]);
    if (deadLetters.length > 0)
      checks.failures.push(`${deadLetters.length} dead letter(s) left after the redrive`);
    for (const failure of traffic.failures()) checks.failures.push(failure);
    if (
      runs.malformedEventsRefused === 0 &&
      plan.episodes.some((episode) => episode.dependency === 'schedule' && episode.kind === 'poison')
    ) {
      checks.failures.push('a malformed schedule event was not refused');
    }
    const byStandIn: Record<string, number> = Object.fromEntries(
      [postgres, redis, ...standIns].map((target) => [target.dependency, target.calls]),
    );
    return {
      seed: options.seed,
      minutes: options.minutes,
      ticks,
      runs,
      requests: { ...traffic.figures, byStandIn },
      faults: plan.counts(),
      faultEpisodes: plan.episodes.length,
      notifier: {
        invocations: subscription.invocations,
        failed: subscription.failedInvocations,
        sentToOnFailure: subscription.sentToOnFailure,
        redriven,
      },
      checks,
      passed: checks.failures.length === 0,
    };
  } finally {
    for (const close of closers) await Promise.resolve(close()).catch(() => undefined);
    await direct.end();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

/** Eight CloudWatch rules of varied settings on the world's series, a Flux rule, and a row no release accepts. */
async function seedRules(db: pg.Pool): Promise<void> {
  for (let index = 1; index <= CLOUDWATCH_RULES; index++) {
    const periods = 1 + (index % 3);
    await db.query(
      `INSERT INTO alert_rules (id, name, metric_name, cloudwatch_namespace, cloudwatch_metric_name, metric_dimensions,
                                statistic, condition, threshold, severity, evaluation_periods, datapoints_to_alarm,
                                repeat_interval_seconds, keep_firing_for_seconds)
       VALUES ($1, $2, 'cloudwatch', $3, $4, jsonb_build_object('rule', $1::text), 'Maximum', '>', 50, $5, $6, $7, $8, $9)`,
      [
        `soak-cw-${index}`,
        `Soak rule ${index}`,
        SOAK_NAMESPACE,
        SOAK_METRIC,
        ['critical', 'warning', 'info'][index % 3],
        periods,
        1 + (index % periods),
        [300, 600, 900][index % 3],
        index % 4 === 0 ? 120 : 0,
      ],
    );
  }
  await db.query(
    `INSERT INTO alert_rules (id, name, source, metric_name, flux_query, condition, threshold, severity,
                              evaluation_periods, datapoints_to_alarm, repeat_interval_seconds)
     VALUES ($1, 'Soak Flux rule', 'influxdb', 'signal',
             'from(bucket: "app") |> range(start: -10m) |> aggregateWindow(every: 1m, fn: max)', '>', 50, 'warning', 2, 2, 600)`,
    [FLUX_RULE],
  );
  // Rows written before the checks existed: a condition no release accepts, and room to corrupt a state row
  await db.query('ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_condition_check');
  await db.query('ALTER TABLE alert_rule_state DROP CONSTRAINT alert_rule_state_timestamps_finite');
  await db.query(
    `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity) VALUES ($1, 'Soak poison', 'error_rate', '=>', 5, 'warning')`,
    [POISON_ROW_RULE],
  );
}

/** A dead letter as the runbook's redrive turns it back into an SNS event (docs/MONITORING_RUNBOOK.md). */
function redriveEvent(letter: string): Record<string, unknown> {
  const parsed = JSON.parse(letter) as {
    requestPayload?: Record<string, unknown>;
    original?: {
      messageId: string;
      message?: string;
      messageBase64?: string;
      subject?: string;
      messageAttributes?: Record<string, { Type: string; Value: string }>;
    };
  };
  if (parsed.requestPayload) return parsed.requestPayload;
  const original = parsed.original;
  if (!original) throw new Error('a dead letter of neither shape');
  const message = original.message ?? Buffer.from(original.messageBase64 ?? '', 'base64').toString('utf8');
  return snsEventOf({
    messageId: original.messageId,
    message,
    subject: original.subject,
    attributes: original.messageAttributes ?? {},
  });
}

function setEnvironment(endpoints: Record<string, string>): void {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIASOAKSOAKSOAKSOAK',
    AWS_SECRET_ACCESS_KEY: 'soak-only-not-a-real-key',
    POWERTOOLS_SERVICE_NAME: 'signupflow',
    POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/soak',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    LOG_LEVEL: 'SILENT',
    STAGE: 'soak',
    ALERT_EVALUATION_INTERVAL: '60',
    ALERT_TOPIC_ARN: TOPIC_ARN,
    SLACK_ALERT_CHANNEL: '#soak',
    SLACK_REQUEST_TIMEOUT_MS: '1000',
    METRICS_TOKEN: 'soak-metrics-token',
    METRICS_REDIS_TIMEOUT_MS: '500',
    TEST_ERROR_ROUTE: 'anonymous',
    ...endpoints,
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
