/**
 * The deadline of every AWS SDK call the functions make, in one place; docs/fault-matrix.md ("Deadlines")
 * gives the whole table, Postgres, Redis, InfluxDB, Slack and Sentry included, with the function timeouts
 * they fit in (a test holds each function's worst case to its synthesized timeout).
 *
 * `@smithy/node-http-handler` only logs a warning when `requestTimeout` passes unless `throwOnRequestTimeout`
 * is set: every client here sets it, so that a server that accepts the connection and never answers costs
 * one request timeout per attempt, and then the call fails.
 */
export interface AwsCallBudget {
  /** Connecting, TLS included. */
  connectionTimeoutMs: number;
  /** One attempt, from sending the request to its answer's headers (connecting included). */
  requestTimeoutMs: number;
  /** Attempts in all, retries of throttling, 5xx and timeouts by the SDK's standard strategy included. */
  maxAttempts: number;
}

export const AWS_CALL_BUDGETS = {
  /**
   * Secrets Manager, through Powertools Parameters (cached 5 min): the /metrics token (exporter, 5 s timeout),
   * the Slack webhook URLs (notifier), the database password, the InfluxDB tokens (evaluator).
   */
  secretsManager: { connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000, maxAttempts: 2 },
  /** SQS SendMessage of the notifier's dead letters, in the time the notifier keeps back from Slack. */
  deadLetterQueue: { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 2 },
  /** CloudWatch GetMetricData and ListMetrics of the evaluator; the run's deadline cuts them shorter. */
  cloudWatch: { connectionTimeoutMs: 2_000, requestTimeoutMs: 5_000, maxAttempts: 3 },
  /** SNS Publish of the evaluator's alert notifications; the run's deadline cuts them shorter. */
  sns: { connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000, maxAttempts: 2 },
} as const satisfies Record<string, AwsCallBudget>;

/** The standard retry strategy's longest wait before retry `n` (0-based): throttling's base of 1 s, doubled. */
const RETRY_DELAY_CAP_MS = (retry: number) => Math.min(1_000 * 2 ** retry, 20_000);

/** The longest one call can take: every attempt timing out, with the longest waits between them. */
export function worstCaseMs(budget: AwsCallBudget): number {
  let total = budget.maxAttempts * budget.requestTimeoutMs;
  for (let retry = 0; retry < budget.maxAttempts - 1; retry++) total += RETRY_DELAY_CAP_MS(retry);
  return total;
}

/** An SDK client's settings for a budget: `new SQSClient(awsClientSettings(AWS_CALL_BUDGETS.deadLetterQueue))`. */
export function awsClientSettings(budget: AwsCallBudget) {
  return {
    maxAttempts: budget.maxAttempts,
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
