import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { UNMEASURED } from '../shared/database';
import { AWS_CALL_BUDGETS, awsClientSettings } from '../shared/deadlines';
import { lambdaDatabase } from '../shared/lambda-database';
import { logger } from '../shared/observability';
import { SnsAlertPublisher } from './alert-publisher';
import { CloudWatchMetricSource } from './cloudwatch-metric-source';
import { evaluatorSettings } from './evaluator-settings';
import { exportDependencies, fluxSource } from './export/export-settings';
import { OutboxStore } from './outbox-store';
import { RuleStore } from './rule-store';
import { RunDeadline } from './run-deadline';
import { runScheduled, type ScheduledRunSummary } from './scheduled-run';

// Throttling, 5xx and timeouts are retried by the SDK (standard mode) within AWS_CALL_BUDGETS; what still fails
// puts the rules in ERROR (CloudWatch) or stays pending (SNS). The run's deadline cuts every call shorter.
const cloudwatch = new CloudWatchClient(awsClientSettings(AWS_CALL_BUDGETS.cloudWatch));
const sns = new SNSClient(awsClientSettings(AWS_CALL_BUDGETS.sns));

/**
 * One scheduled run with the production clients: the environment's settings, the Lambda environment's
 * database pool, CloudWatch, SNS, and the metrics export's Redis and InfluxDB. `budgetMs` is the time the
 * run may take (the invocation's remaining time less what the handler keeps for itself).
 */
export async function runWithProductionClients(budgetMs: number): Promise<ScheduledRunSummary> {
  const deadline = new RunDeadline(budgetMs);
  const settings = evaluatorSettings();
  const database = await lambdaDatabase(UNMEASURED);
  return runScheduled({
    rules: new RuleStore(database),
    outbox: new OutboxStore(database, { claimSeconds: settings.claimSeconds }),
    source: new CloudWatchMetricSource(cloudwatch),
    publisher: new SnsAlertPublisher(sns, settings.topicArn),
    deployment: settings.deployment,
    context: settings.context,
    now: () => new Date(),
    deadline,
    report: (message, details) => logger.error(message, details),
    metricsExport: exportDependencies(database),
    flux: fluxSource(),
  });
}
