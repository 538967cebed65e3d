/**
 * The alert evaluator with 10, 1,000 and 10,000 rules (half of them sharing their metric with another rule)
 * against a local Postgres and CloudWatch and SNS stand-ins on 127.0.0.1 that speak the SDK's wire
 * protocols: wall time, SQL round trips and GetMetricData calls per run. `npx tsx bench/evaluator.ts` prints
 * the figures; `bench/run.ts` imports `benchmarkEvaluator`.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import pg from 'pg';
import { SnsAlertPublisher } from '../lambdas/alert-evaluator/alert-publisher';
import { CloudWatchMetricSource } from '../lambdas/alert-evaluator/cloudwatch-metric-source';
import { OutboxStore } from '../lambdas/alert-evaluator/outbox-store';
import { RuleStore } from '../lambdas/alert-evaluator/rule-store';
import { runEvaluation } from '../lambdas/alert-evaluator/run-evaluation';
import { cloudWatchWireStandIn, snsWireStandIn } from '../test/lambdas/alert-evaluator/aws-wire-stand-ins';
import { CountingSql, DEPLOYMENT, TOPIC_ARN } from '../test/lambdas/alert-evaluator/evaluator-harness';
import { createTestDatabase } from '../test/support/postgres';
import { round } from './stats';

export interface EvaluatorRunFigures {
  rules: number;
  distinctMetrics: number;
  /** The first run writes every rule's state row; later runs update them. */
  firstRunMs: number;
  steadyRunMs: number;
  sqlRoundTrips: number;
  getMetricDataCalls: number;
  /** The budget: 2 calls per 500 distinct metrics, rounded up. */
  getMetricDataBudget: number;
  firing: number;
}

const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-key',
};

/** Rule i < n/2 watches a metric of its own; rule i ≥ n/2 shares the metric of rule i - n/2. */
async function insertRules(pool: pg.Pool, count: number): Promise<void> {
  await pool.query('DELETE FROM alert_rules');
  const half = Math.ceil(count / 2);
  await pool.query(
    `INSERT INTO alert_rules (id, name, metric_name, cloudwatch_namespace, cloudwatch_metric_name, metric_dimensions,
                              statistic, condition, threshold, severity)
     SELECT 'rule-' || i, 'Rule ' || i, 'cloudwatch', 'SignUpFlow/bench', 'queue_depth',
            jsonb_build_object('queue', 'q' || (i % $2)), 'Maximum', '>',
            CASE WHEN i < $2 THEN 100 ELSE 50 END, CASE WHEN i < $2 THEN 'critical' ELSE 'warning' END
       FROM generate_series(0, $1 - 1) AS i`,
    [count, half],
  );
}

export async function benchmarkEvaluator(sizes = [10, 1_000, 10_000]): Promise<EvaluatorRunFigures[]> {
  const saved = { ...process.env };
  Object.assign(process.env, AWS_ENV);
  const database = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // Every queue has 70 messages in every minute: the warning rules (> 50) fire, the critical ones (> 100) not.
  const cloudwatch = await cloudWatchWireStandIn((_query, endTime) => {
    const minutes = [1, 2, 3, 4, 5].map((back) => endTime - back * 60);
    return { Timestamps: minutes, Values: minutes.map(() => 70) };
  });
  const sns = await snsWireStandIn();
  const cloudwatchClient = new CloudWatchClient({ endpoint: cloudwatch.url });
  const publisher = new SnsAlertPublisher(new SNSClient({ endpoint: sns.url }), TOPIC_ARN);
  try {
    const figures: EvaluatorRunFigures[] = [];
    for (const size of sizes) {
      await insertRules(pool, size);
      const run = async () => {
        const sql = new CountingSql(pool);
        const source = new CloudWatchMetricSource(cloudwatchClient);
        const startedAt = performance.now();
        const { summary } = await runEvaluation({
          rules: new RuleStore(sql),
          outbox: new OutboxStore(sql, { claimSeconds: 120 }),
          source,
          publisher,
          deployment: DEPLOYMENT,
          context: { service: 'signupflow', stage: 'bench' },
          now: () => new Date(),
          report: () => undefined,
        });
        return { ms: performance.now() - startedAt, sql: sql.roundTrips, summary };
      };
      const first = await run();
      const steady = await run();
      figures.push({
        rules: size,
        distinctMetrics: steady.summary.distinctQueries,
        firstRunMs: round(first.ms),
        steadyRunMs: round(steady.ms),
        sqlRoundTrips: steady.sql,
        getMetricDataCalls: steady.summary.metricCalls,
        getMetricDataBudget: 2 * Math.ceil(steady.summary.distinctQueries / 500),
        firing: steady.summary.firing,
      });
    }
    return figures;
  } finally {
    await pool.end();
    await database.drop();
    await cloudwatch.close();
    await sns.close();
    process.env = saved;
  }
}

if (require.main === module) {
  benchmarkEvaluator().then(
    (figures) => console.table(figures),
    (error: Error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
