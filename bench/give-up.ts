/**
 * How long each outside call takes to give up on a dependency that accepts the connection and never answers,
 * with the production settings (lambdas/shared/deadlines.ts and the constants beside each client). Run with
 * `npx tsx bench/give-up.ts`; docs/fault-matrix.md ("Deadlines") quotes the figures.
 */
import { type HungServer, startHungServer } from '../test/support/hung-server';
import { table } from './table';

interface GiveUp {
  dependency: string;
  call: string;
  budget: string;
  gaveUpMs: number;
  outcome: string;
}

async function measure(run: () => Promise<unknown>): Promise<{ ms: number; outcome: string }> {
  const startedAt = performance.now();
  const outcome = await run().then(
    (value) => `answered: ${JSON.stringify(value).slice(0, 80)}`,
    (error: Error) => `${error.name}: ${error.message}`.slice(0, 100),
  );
  return { ms: Math.round(performance.now() - startedAt), outcome };
}

export async function measureGiveUps(): Promise<GiveUp[]> {
  const hung: HungServer[] = [];
  const endpoint = async () => {
    const server = await startHungServer();
    hung.push(server);
    return server;
  };
  const secretsManager = await endpoint();
  const sqs = await endpoint();
  const sns = await endpoint();
  const cloudwatch = await endpoint();
  const postgres = await endpoint();
  const redis = await endpoint();
  const influx = await endpoint();
  const slack = await endpoint();
  const sentry = await endpoint();
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIABENCHBENCHBENCH1',
    AWS_SECRET_ACCESS_KEY: 'bench-only-not-a-real-key',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${secretsManager.port}`,
    AWS_ENDPOINT_URL_SQS: `http://127.0.0.1:${sqs.port}`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    SENTRY_DSN: `http://publickey@127.0.0.1:${sentry.port}/1`,
  });
  const { AWS_CALL_BUDGETS, awsClientSettings } = await import('../lambdas/shared/deadlines');
  const { getSecretString } = await import('../lambdas/shared/secrets');
  const { sendDeadLetter } = await import('../lambdas/slack-notifier/dead-letter-queue');
  const { SNSClient } = await import('@aws-sdk/client-sns');
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  const { SnsAlertPublisher } = await import('../lambdas/alert-evaluator/alert-publisher');
  const { CloudWatchMetricSource } = await import('../lambdas/alert-evaluator/cloudwatch-metric-source');
  const { createDatabase, UNMEASURED } = await import('../lambdas/shared/database');
  const { SnapshotStore } = await import('../lambdas/metrics-exporter/snapshot-store');
  const { RedisSnapshotWriter } = await import('../lambdas/alert-evaluator/export/snapshot-writer');
  const { EXPORT_TIMEOUT_MS } = await import('../lambdas/alert-evaluator/export/export-settings');
  const { InfluxFluxSource } = await import('../lambdas/alert-evaluator/flux-source');
  const { SlackDelivery, DEFAULT_DELIVERY_OPTIONS } = await import('../lambdas/slack-notifier/delivery');
  const { reportError, SENTRY_FLUSH_TIMEOUT_MS, startSentry } = await import('../lambdas/shared/sentry');
  const { DEFAULT_REDIS_TIMEOUT_MS } = await import('../lambdas/metrics-exporter/settings');
  const { planQueries } = await import('../lambdas/alert-evaluator/metric-plan');

  const results: GiveUp[] = [];
  const add = async (dependency: string, call: string, budget: string, run: () => Promise<unknown>) => {
    const { ms, outcome } = await measure(run);
    results.push({ dependency, call, budget, gaveUpMs: ms, outcome });
  };
  const never = new AbortController().signal;
  const sdk = (name: keyof typeof AWS_CALL_BUDGETS) => {
    const { maxAttempts, requestTimeoutMs } = AWS_CALL_BUDGETS[name];
    return `${maxAttempts} × ${requestTimeoutMs} ms`;
  };

  await add('Secrets Manager', 'GetSecretValue (Powertools)', sdk('secretsManager'), () =>
    getSecretString('arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-AbC123'),
  );
  await add('SQS', 'SendMessage (dead letter)', `${sdk('deadLetterQueue')}, 5 s signal`, () =>
    sendDeadLetter(`http://127.0.0.1:${sqs.port}/123456789012/dlq`, {
      reason: 'timeout',
      permanent: false,
      attempts: 1,
      failedAt: new Date().toISOString(),
      original: { record: {} },
    }),
  );
  await add('SNS', 'Publish (one alert)', `${sdk('sns')}, then the run's 90%`, () =>
    new SnsAlertPublisher(
      new SNSClient({ ...awsClientSettings(AWS_CALL_BUDGETS.sns), endpoint: `http://127.0.0.1:${sns.port}` }),
      'arn:aws:sns:eu-west-1:123456789012:bench',
    ).publish(
      {
        id: 1,
        ruleId: 'bench',
        kind: 'FIRING',
        message: {
          type: 'signupflow.alert',
          version: 1,
          ruleId: 'bench',
          ruleName: 'Bench',
          metric: 'error_rate',
          currentValue: 1,
          condition: '>',
          threshold: 0,
          severity: 'info',
          state: 'FIRING',
          since: '2026-11-30T10:00:00Z',
          evaluatedAt: '2026-11-30T10:00:00Z',
          channels: ['slack'],
          dedupKey: 'bench:1',
          service: 'signupflow',
          stage: 'bench',
        },
      },
      never,
    ),
  );
  await add(
    'CloudWatch',
    'GetMetricData (SDK alone)',
    `${sdk('cloudWatch')}, then the run's 60%`,
    async () => {
      const source = new CloudWatchMetricSource(
        new CloudWatchClient({
          ...awsClientSettings(AWS_CALL_BUDGETS.cloudWatch),
          endpoint: `http://127.0.0.1:${cloudwatch.port}`,
        }),
      );
      const { queries } = planQueries([
        {
          query: {
            kind: 'metric',
            metric: { namespace: 'AWS/SQS', metricName: 'm', dimensions: {}, stat: 'Sum' },
          },
          periodSeconds: 60,
          rangePeriods: 3,
        },
      ]);
      const observations = await source.fetch(queries, new Date());
      const [observation] = [...observations.values()];
      if (observation && !observation.ok) throw new Error(observation.error);
      return observation;
    },
  );
  await add('Postgres', 'connect + query (Lambda pool)', 'connect 2 s, query 4.5 s', async () => {
    const database = await createDatabase(UNMEASURED, {
      config: { connectionString: `postgres://postgres@127.0.0.1:${postgres.port}/postgres` },
    });
    try {
      return await database.query('select', 'SELECT 1');
    } finally {
      await database.end().catch(() => undefined);
    }
  });
  await add('Redis', 'GET (the /metrics exporter)', `${DEFAULT_REDIS_TIMEOUT_MS} ms`, async () => {
    const store = new SnapshotStore(
      () => ({ host: '127.0.0.1', port: redis.port, tls: false }),
      DEFAULT_REDIS_TIMEOUT_MS,
    );
    try {
      return await store.read('bench');
    } finally {
      store.close();
    }
  });
  await add('Redis', 'SET (the export snapshot)', `${EXPORT_TIMEOUT_MS} ms`, () =>
    new RedisSnapshotWriter(
      () => ({ host: '127.0.0.1', port: redis.port, tls: false }),
      EXPORT_TIMEOUT_MS,
    ).write('bench', {
      version: 1,
      generatedAt: new Date().toISOString(),
      exportedThrough: new Date().toISOString(),
      families: [],
    }),
  );
  await add('InfluxDB', 'Flux query (a rule)', `${EXPORT_TIMEOUT_MS} ms`, async () => {
    const observation = await new InfluxFluxSource({
      url: `http://127.0.0.1:${influx.port}`,
      token: 'bench',
      org: 'signupflow',
      timeoutMs: EXPORT_TIMEOUT_MS,
    }).observe('from(bucket: "b") |> range(start: -5m)', 60, new Date());
    if (!observation.ok) throw new Error(observation.error);
    return observation;
  });
  await add('Slack', 'one webhook post', `${DEFAULT_DELIVERY_OPTIONS.requestTimeoutMs} ms per attempt`, () =>
    new SlackDelivery({ backoffBaseMs: 0, backoffMaxMs: 0 }).deliver(
      { key: '#bench', url: `http://127.0.0.1:${slack.port}/services/bench` },
      '{"text":"bench"}',
      Date.now() + DEFAULT_DELIVERY_OPTIONS.requestTimeoutMs + 50,
    ),
  );
  await startSentry();
  await add('Sentry', 'an error report (flush)', `${SENTRY_FLUSH_TIMEOUT_MS} ms`, async () => {
    const eventId = await reportError(new Error('bench'), {});
    if (!eventId) throw new Error('not delivered: the log line keeps the whole error');
    return eventId;
  });

  for (const server of hung) await server.close();
  return results;
}

if (require.main === module) {
  measureGiveUps().then(
    (results) => {
      console.log(
        table(
          ['Dependency', 'Call', 'Budget', 'Gave up after (ms)', 'How'],
          results.map((result) => [
            result.dependency,
            result.call,
            result.budget,
            String(result.gaveUpMs),
            result.outcome,
          ]),
        ),
      );
      process.exit(0);
    },
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
