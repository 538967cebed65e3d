/**
 * The quick start's alert loop on one machine: this process's requests in a local metric store, the
 * evaluator's own code every ALERT_EVALUATION_INTERVAL seconds against the same `alert_rules` table, and
 * each alert through the Slack notifier's own code to SLACK_WEBHOOK_URL, or readably on the console.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { subjectOf } from '../../lambdas/alert-evaluator/alert-notification';
import type { AlertPublisher } from '../../lambdas/alert-evaluator/alert-publisher';
import { RuleStore } from '../../lambdas/alert-evaluator/rule-store';
import { type RunSummary, runEvaluation } from '../../lambdas/alert-evaluator/run-evaluation';
import {
  type AlertMessage,
  alertMessageAttributes,
  alertMessageSchema,
} from '../../lambdas/shared/alert-message';
import { onRequestRecorded } from '../../lambdas/shared/with-observability';
import { localContext } from './http-api-event';
import { LocalMetricSource } from './local-metric-source';

export interface LocalAlerting {
  /** One evaluation now (the timer calls it every interval). */
  evaluateNow(): Promise<RunSummary>;
  stop(): Promise<void>;
}

export interface LocalAlertingOptions {
  intervalSeconds: number;
  log: (line: string) => void;
  /** The clock of the metric store and the evaluator; tests move it. */
  now?: () => Date;
}

const NOTIFIER_TIMEOUT_MS = 30_000;

export function startLocalAlerting(options: LocalAlertingOptions): LocalAlerting {
  const now = options.now ?? (() => new Date());
  const source = new LocalMetricSource(() => now().getTime());
  const stopRecording = onRequestRecorded(({ endpoint, method, status_code }, seconds) =>
    source.record({ endpoint, method, statusCode: status_code, seconds }),
  );
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  pool.on('error', (error) => options.log(`alerting: an idle Postgres connection failed: ${error.message}`));
  const store = new RuleStore(
    { query: (_type, text, values) => pool.query(text, values) },
    { claimSeconds: options.intervalSeconds * 2 },
  );
  const publisher = new LocalAlertPublisher(options.log);

  const evaluateNow = () =>
    runEvaluation({
      store,
      source,
      publisher,
      deployment: {
        namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SignUpFlow/local',
        serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
        httpApiId: 'local',
        functionNames: {},
      },
      context: {
        service: process.env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
        stage: process.env.STAGE ?? 'local',
      },
      now,
      report: (message, details) => options.log(`alerting: ${message} ${JSON.stringify(details)}`),
    });

  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = evaluateNow().catch((error: Error) =>
      options.log(`alerting: evaluation failed: ${error.message}`),
    );
  }, options.intervalSeconds * 1_000);
  timer.unref();

  return {
    evaluateNow,
    stop: async () => {
      clearInterval(timer);
      stopRecording();
      await running;
      await pool.end();
    },
  };
}

/**
 * Alerts as the alert topic would deliver them: to the Slack notifier's own handler in an SNS event when
 * SLACK_WEBHOOK_URL is set, else one readable line on the console.
 */
class LocalAlertPublisher implements AlertPublisher {
  readonly #log: (line: string) => void;

  constructor(log: (line: string) => void) {
    this.#log = log;
  }

  async publish(
    notifications: { id: number; message: unknown }[],
  ): Promise<{ id: number; error?: string }[]> {
    const outcomes: { id: number; error?: string }[] = [];
    for (const { id, message } of notifications) {
      try {
        const alert = alertMessageSchema.parse(message);
        if (process.env.SLACK_WEBHOOK_URL) await this.#toSlack(alert);
        else this.#log(`alert: ${subjectOf(alert)}: ${describe(alert)}`);
        outcomes.push({ id });
      } catch (error) {
        outcomes.push({ id, error: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return outcomes;
  }

  async #toSlack(alert: AlertMessage): Promise<void> {
    const { handler } = await import('../../lambdas/slack-notifier/handler');
    const attributes = Object.fromEntries(
      Object.entries(alertMessageAttributes(alert)).map(([name, { DataType, StringValue }]) => [
        name,
        { Type: DataType, Value: StringValue },
      ]),
    );
    await handler(
      {
        Records: [
          {
            EventSource: 'aws:sns',
            EventVersion: '1.0',
            EventSubscriptionArn: 'arn:aws:sns:local:000000000000:signupflow-local-alerts:local',
            Sns: {
              Type: 'Notification',
              MessageId: randomUUID(),
              TopicArn: 'arn:aws:sns:local:000000000000:signupflow-local-alerts',
              Subject: subjectOf(alert),
              Message: JSON.stringify(alert),
              Timestamp: new Date().toISOString(),
              MessageAttributes: attributes,
            },
          },
        ],
      },
      localContext('signupflow-local-slack-notifier', NOTIFIER_TIMEOUT_MS),
    );
  }
}

function describe(alert: AlertMessage): string {
  const value = `${alert.metric} ${alert.currentValue}${alert.unit ?? ''}`;
  const rule = `${alert.condition} ${alert.threshold}${alert.unit ?? ''}`;
  return `${value} (${rule}), since ${alert.since}${alert.resolvedAt ? `, resolved ${alert.resolvedAt}` : ''}`;
}
