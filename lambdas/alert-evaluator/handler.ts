import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SNSClient } from '@aws-sdk/client-sns';
import { ScheduledEventSchema } from '../health/scheduled-event';
import { lambdaDatabase } from '../shared/lambda-database';
import { logger } from '../shared/observability';
import { aggregatedMetrics, withObservability } from '../shared/with-observability';
import { SnsAlertPublisher } from './alert-publisher';
import { CloudWatchMetricSource } from './cloudwatch-metric-source';
import { evaluatorSettings } from './evaluator-settings';
import { exportDependencies, fluxSource } from './export/export-settings';
import { RuleStore } from './rule-store';
import { type RunSummary, runEvaluation } from './run-evaluation';

// Throttling and 5xx are retried by the SDK (standard mode); what still fails puts the rules in ERROR.
const cloudwatch = new CloudWatchClient({ maxAttempts: 4 });
const sns = new SNSClient({ maxAttempts: 4 });

/** The run's own health: the self-watch alarms read these (missing data is breaching). */
function recordRun(summary: RunSummary, seconds: number): void {
  const dimensions = {};
  aggregatedMetrics.add('alert_evaluation_runs', 'Count', 1, dimensions);
  aggregatedMetrics.add('alert_evaluation_duration_seconds', 'Seconds', seconds, dimensions);
  aggregatedMetrics.add('alert_rules_evaluated', 'Count', summary.rulesEvaluated, dimensions);
  aggregatedMetrics.add('alert_rules_firing', 'Count', summary.firing, dimensions);
  aggregatedMetrics.add('alert_rules_in_error', 'Count', summary.inError, dimensions);
  aggregatedMetrics.add('alert_notifications_failed', 'Count', summary.publishFailed, dimensions);
  aggregatedMetrics.flush();
}

export const handler = withObservability(async (event: unknown): Promise<RunSummary> => {
  const parsed = ScheduledEventSchema.safeParse(event);
  if (!parsed.success) throw new Error('Unsupported event: expected an EventBridge scheduled event');

  const startedAt = performance.now();
  const settings = evaluatorSettings();
  const database = await lambdaDatabase();
  const summary = await runEvaluation({
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
  recordRun(summary, (performance.now() - startedAt) / 1_000);
  return summary;
});
