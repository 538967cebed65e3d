import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import pg from 'pg';
import { CloudWatchMetricSource } from '../lambdas/alert-evaluator/cloudwatch-metric-source';
import { deploymentFromEnv } from '../lambdas/alert-evaluator/evaluator-settings';
import { fluxSource } from '../lambdas/alert-evaluator/export/export-settings';
import { InvalidRuleError } from '../lambdas/alert-evaluator/rule';
import { AWS_CALL_BUDGETS, awsClientSettings } from '../lambdas/shared/deadlines';
import { runRulesCommand, UsageError } from './rules/rules-command';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function main(): Promise<void> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, max: 1 });
  try {
    const output = await runRulesCommand(process.argv.slice(2), {
      db: { query: (_type, text, values) => pool.query(text, values) },
      source: () =>
        new CloudWatchMetricSource(new CloudWatchClient(awsClientSettings(AWS_CALL_BUDGETS.cloudWatch))),
      deployment: deploymentFromEnv(),
      flux: async () => fluxSource(),
      now: () => new Date(),
    });
    console.log(output);
  } finally {
    await pool.end();
  }
}

main().catch((error: Error) => {
  const known =
    error instanceof UsageError || error instanceof InvalidRuleError || error instanceof pg.DatabaseError;
  console.error(known ? error.message : `rules failed: ${error.stack ?? error.message}`);
  process.exit(known ? 2 : 1);
});
