import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PublishCommand, type PublishCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { SnsAlertPublisher } from '../../../lambdas/alert-evaluator/alert-publisher';
import { CloudWatchMetricSource } from '../../../lambdas/alert-evaluator/cloudwatch-metric-source';
import type { Deployment } from '../../../lambdas/alert-evaluator/metric-catalogue';
import { OutboxStore } from '../../../lambdas/alert-evaluator/outbox-store';
import { RuleStore, type SqlClient } from '../../../lambdas/alert-evaluator/rule-store';
import { RunDeadline } from '../../../lambdas/alert-evaluator/run-deadline';
import {
  runScheduled,
  type ScheduledRunDependencies,
  type ScheduledRunSummary,
} from '../../../lambdas/alert-evaluator/scheduled-run';
import type { AlertMessage } from '../../../lambdas/shared/alert-message';
import { createTestDatabase, type TestDatabase } from '../../support/postgres';
import { CloudWatchStandIn, seriesKey } from './cloudwatch-stand-in';

export const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-test-alerts';
export const DEPLOYMENT: Deployment = {
  namespace: 'SignUpFlow/test',
  serviceName: 'signupflow',
  httpApiId: 'a1b2c3d4e5',
  functionNames: { api: 'signupflow-test-api', health: 'signupflow-test-health' },
  deadLetterQueueName: 'signupflow-test-notifier-dlq',
};

/** A SqlClient over a pg pool that counts round trips. */
export class CountingSql implements SqlClient {
  roundTrips = 0;
  constructor(readonly pool: pg.Pool) {}
  async query<Row extends Record<string, unknown>>(_type: string, text: string, values: unknown[] = []) {
    this.roundTrips++;
    return this.pool.query<Row>(text, values);
  }
}

/**
 * The evaluator against a real Postgres, a CloudWatch stand-in and a mocked SNS, on a clock the test moves.
 * `published()` lists the alert messages SNS accepted, in order.
 */
export class EvaluatorHarness {
  readonly cloudwatch = new CloudWatchStandIn();
  readonly sns = mockClient(SNSClient);
  readonly reports: { message: string; details: Record<string, unknown> }[] = [];
  /** What SNS accepted, in order. */
  readonly accepted: PublishCommandInput[] = [];
  now = new Date('2026-11-30T10:00:00Z');
  database!: TestDatabase;
  pool!: pg.Pool;
  sql!: CountingSql;
  #publishFailures = 0;
  /** Set to refuse some publishes: the error SNS answers, or undefined to accept. */
  refusePublish: ((input: PublishCommandInput) => Error | undefined) | undefined;

  async start(): Promise<void> {
    this.database = await createTestDatabase();
    this.pool = new pg.Pool({ connectionString: this.database.url, max: 4 });
    this.sql = new CountingSql(this.pool);
    this.sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
      if (this.#publishFailures > 0) {
        this.#publishFailures--;
        throw Object.assign(new Error('Service unavailable'), { name: 'InternalErrorException' });
      }
      const refusal = this.refusePublish?.(input);
      if (refusal) throw refusal;
      this.accepted.push(input);
      return { MessageId: `m-${this.accepted.length}` };
    });
  }

  async stop(): Promise<void> {
    this.cloudwatch.restore();
    this.sns.restore();
    await this.pool.end();
    await this.database.drop();
  }

  failNextPublishes(count: number): void {
    this.#publishFailures = count;
  }

  /** Publish calls SNS answered so far, accepted or not. */
  publishCalls(): PublishCommandInput[] {
    return this.sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
  }

  async sqlExec(text: string, values: unknown[] = []): Promise<pg.QueryResult> {
    return this.pool.query(text, values);
  }

  /** Deletes the seeded rule, so that a scenario sees only its own rules. */
  async onlyRules(...inserts: string[]): Promise<void> {
    await this.pool.query('DELETE FROM alert_rules');
    await this.pool.query('DELETE FROM alert_notifications');
    for (const insert of inserts) await this.pool.query(insert);
  }

  /** One value for the minute that starts `minutesBack` minutes before the current minute. */
  put(key: string, minutesBack: number, value: number): void {
    const minuteStart = Math.floor(this.now.getTime() / 60_000) * 60_000;
    this.cloudwatch.put(key, new Date(minuteStart - minutesBack * 60_000), value);
  }

  /** API Gateway's 5xx and Count for the minute just closed. */
  putRequests(minutesBack: number, requests: number, errors: number): void {
    const dims = { ApiId: DEPLOYMENT.httpApiId as string };
    this.put(seriesKey('AWS/ApiGateway', 'Count', dims), minutesBack, requests);
    this.put(seriesKey('AWS/ApiGateway', '5xx', dims), minutesBack, errors);
  }

  /** Set to evaluate Flux rules. */
  flux: ScheduledRunDependencies['flux'];
  /** Set to run the metrics export with every run. */
  metricsExport: ScheduledRunDependencies['metricsExport'];
  /** The time each run has. */
  budgetMs = 45_000;

  run(options: { at?: Date } = {}): Promise<ScheduledRunSummary> {
    const at = options.at ?? this.now;
    return runScheduled({
      rules: new RuleStore(this.sql),
      outbox: new OutboxStore(this.sql, { claimSeconds: 120 }),
      deadline: new RunDeadline(this.budgetMs),
      source: new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' })),
      publisher: new SnsAlertPublisher(new SNSClient({ region: 'eu-west-1' }), TOPIC_ARN),
      deployment: DEPLOYMENT,
      context: { service: 'signupflow', stage: 'test' },
      now: () => at,
      report: (message, details) => this.reports.push({ message, details }),
      metricsExport: this.metricsExport,
      flux: this.flux,
    });
  }

  /** Moves the clock by whole minutes (to 5 s past the minute, as a schedule fires). */
  advanceMinutes(minutes: number): void {
    this.now = new Date(this.now.getTime() + minutes * 60_000);
  }

  published(): AlertMessage[] {
    return this.accepted.map((input) => JSON.parse(input.Message as string) as AlertMessage);
  }

  async state(ruleId: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM alert_rule_state WHERE rule_id = $1', [ruleId]);
    return rows[0];
  }
}
