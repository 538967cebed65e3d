import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { UNMEASURED } from '../shared/database';
import { lambdaDatabase } from '../shared/lambda-database';
import { logger } from '../shared/observability';
import { SnsAlertPublisher } from './alert-publisher';
import { CloudWatchMetricSource } from './cloudwatch-metric-source';
import { evaluatorSettings } from './evaluator-settings';
import { exportDependencies, fluxSource } from './export/export-settings';
import { RuleStore } from './rule-store';
import { type RunSummary, runEvaluation } from './run-evaluation';

// Throttling and 5xx are retried by the SDK (standard mode); what still fails puts the rules in ERROR.
const cloudwatch = new CloudWatchClient({ maxAttempts: 4 });
const sns = new SNSClient({ maxAttempts: 4 });

/** One evaluation run with the environment's clients, database and settings. */
export async function evaluateNow(): Promise<RunSummary> {
  const settings = evaluatorSettings();
  const database = await lambdaDatabase(UNMEASURED);
  return runEvaluation({
    store: new RuleStore(database, { claimSeconds: settings.claimSeconds }),
    source: new CloudWatchMetricSource(cloudwatch),
    publisher: new SnsAlertPublisher(sns, settings.topicArn),
    deployment: settings.deployment,
    context: settings.context,
    now: () => new Date(),
    report: (message, details) => logger.error(message, details),
    metricsExport: await exportDependencies(database),
    flux: await fluxSource(),
  });
}
