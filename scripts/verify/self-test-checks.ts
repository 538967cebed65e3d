import { randomUUID } from 'node:crypto';
import { type CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { DependencyResult } from '../../lambdas/shared/self-test/dependency-checks';
import type { SelfTestReport } from '../../lambdas/shared/self-test/report';
import type { StageConfig } from '../../lib/config';
import { type Check, type CheckLine, failed, ok } from './check';
import { afterStack, type DeployedStack, type StackReader } from './deployed-stack';
import { VerifyError } from './describe-error';
import { selfTestFix } from './self-test-fixes';

/** The functions of the stack, in the order their lines print: the schema first, then what depends on it. */
export const SELF_TESTED_FUNCTIONS = [
  'schema-migrator',
  'api',
  'health',
  'metrics-exporter',
  'alert-evaluator',
  'slack-notifier',
] as const;

/** A cold function in a VPC answers its self-test in a few seconds; each dependency has 3 s of it. */
export const SELF_TEST_TIMEOUT_MS = 20_000;
/** SNS to the notifier, the notifier to Slack, its log line to CloudWatch Logs: usually seconds. */
export const ALERT_PATH_TIMEOUT_MS = 90_000;
const LOG_POLL_MS = 3_000;
/** Pages of one poll: a day of one log group is a few, with the time window the poll gives. */
const MAX_LOG_PAGES = 20;

/**
 * Invokes each deployed function once with a self-test event (the evaluator's asks for the test alert),
 * however many checks read its report, under a deadline of its own: a check that gives up does not cancel
 * the invocation for the others.
 */
export class SelfTests {
  /** A UUID: ids on-call reads stay readable through the scrubber, where a random token would not. */
  readonly testAlertId = randomUUID();
  readonly #lambda: LambdaClient;
  readonly #reports = new Map<string, Promise<SelfTestReport['selfTest']>>();

  constructor(lambda: LambdaClient) {
    this.#lambda = lambda;
  }

  report(functionDir: string, functionName: string): Promise<SelfTestReport['selfTest']> {
    let report = this.#reports.get(functionDir);
    if (!report) {
      report = this.#invoke(functionDir, functionName, AbortSignal.timeout(SELF_TEST_TIMEOUT_MS));
      report.catch(() => undefined); // read by the checks, each of which reports it
      this.#reports.set(functionDir, report);
    }
    return report;
  }

  async #invoke(
    functionDir: string,
    functionName: string,
    signal: AbortSignal,
  ): Promise<SelfTestReport['selfTest']> {
    const event = { selfTest: functionDir === 'alert-evaluator' ? { testAlertId: this.testAlertId } : {} };
    const answer = await this.#lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: JSON.stringify(event),
      }),
      { abortSignal: signal },
    );
    const payload = parsePayload(answer.Payload);
    if (answer.FunctionError) {
      const { errorType, errorMessage } = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      throw new VerifyError(
        `${functionName} failed its self-test: ${String(errorType ?? answer.FunctionError)}: ${String(errorMessage ?? '')}`.trim(),
      );
    }
    const report = (payload as Partial<SelfTestReport> | undefined)?.selfTest;
    if (!report || !Array.isArray(report.checks)) {
      throw new VerifyError(`${functionName} answered without a self-test report: it runs an older release`);
    }
    return report;
  }
}

function parsePayload(payload: Uint8Array | undefined): unknown {
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * One check per function: a line per dependency its self-test reached from inside its network, each with the
 * fix for its failure in the terms of the stage's network.
 */
export function selfTestChecks(options: {
  config: StageConfig;
  stack: StackReader;
  selfTests: SelfTests;
}): Check[] {
  return SELF_TESTED_FUNCTIONS.map((functionDir) => {
    const check = afterStack(
      options.stack,
      functionDir,
      `verify needs lambda:InvokeFunction on the stack's functions (docs/verify.md)`,
      (deployed) => ({
        name: functionDir,
        fix: `verify needs lambda:InvokeFunction on the stack's functions (docs/verify.md)`,
        // The invocation has a deadline of its own (SelfTests), shared with the alert path.
        run: async () => {
          const functionName = functionNamesOf(deployed)[functionDir];
          if (!functionName) {
            return failed(
              'the stack has no such function in its FunctionNames output',
              'deploy the current release',
            );
          }
          const report = await options.selfTests.report(functionDir, functionName);
          return report.checks.map((result) => lineOf(functionDir, result, options.config, deployed));
        },
      }),
    );
    return { ...check, timeoutMs: SELF_TEST_TIMEOUT_MS };
  });
}

function lineOf(
  functionDir: string,
  result: DependencyResult,
  config: StageConfig,
  deployed: DeployedStack,
): CheckLine {
  const name = `${functionDir} → ${result.dependency}`;
  if (result.ok) return { name, ...ok(`${result.target}: ${result.detail ?? 'ok'} (${result.ms} ms)`) };
  const failure = result.failure ?? { kind: 'other' as const, message: 'failed' };
  return {
    name,
    ...failed(
      `${result.target}: ${failure.kind}${failure.code ? ` ${failure.code}` : ''}: ${failure.message}`,
      selfTestFix(functionDir, result.dependency, result.target, failure, {
        config,
        outputs: deployed.outputs,
      }),
    ),
  };
}

/**
 * The test alert went the whole way: the evaluator published it (its self-test's SNS line), and the Slack
 * notifier's log has a line for its SNS message id, delivered or dead-lettered.
 */
export function alertPathCheck(options: {
  stack: StackReader;
  selfTests: SelfTests;
  logs: CloudWatchLogsClient;
}): Check {
  const fix = 'verify needs lambda:InvokeFunction and logs:FilterLogEvents (docs/verify.md)';
  const check = afterStack(options.stack, 'Alert path', fix, (deployed) => ({
    name: 'Alert path',
    fix,
    run: async (signal) => {
      const evaluator = functionNamesOf(deployed)['alert-evaluator'];
      const logGroup = deployed.outputs.SlackNotifierLogGroupName;
      if (!evaluator || !logGroup) {
        return failed(
          'the stack has no alert evaluator or notifier log group output',
          'deploy the current release',
        );
      }
      const startedAt = Date.now();
      const report = await options.selfTests.report('alert-evaluator', evaluator);
      const messageId = report.testAlert?.messageId;
      if (!messageId) {
        return failed(
          'the evaluator could not publish the test alert (see its SNS line)',
          'fix the alert-evaluator → SNS line first',
        );
      }
      const line = await notifierLine(options.logs, logGroup, messageId, startedAt - 60_000, signal);
      const seconds = ((Date.now() - startedAt) / 1_000).toFixed(1);
      if (line.message === 'Delivered to Slack') {
        return ok(
          `test alert ${options.selfTests.testAlertId} went evaluator → SNS → notifier → Slack (${line.channel ?? 'its channel'}) in ${seconds} s`,
        );
      }
      return failed(
        `the notifier got the test alert but did not deliver it: ${line.message}${line.reason ? ` (${line.reason})` : ''}`,
        'read the Slack line of `npm run verify` and docs/MONITORING_RUNBOOK.md#notifier-dead-letters',
      );
    },
  }));
  return { ...check, timeoutMs: ALERT_PATH_TIMEOUT_MS };
}

interface NotifierLogLine {
  message: string;
  channel?: string;
  reason?: string;
}

/** Polls the notifier's log for the line with this SNS message id, until the check's time is up. */
async function notifierLine(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  messageId: string,
  startTime: number,
  signal: AbortSignal,
): Promise<NotifierLogLine> {
  if (!/^[0-9a-f-]{36}$/.test(messageId)) throw new VerifyError(`SNS answered an unexpected message id`);
  for (;;) {
    for await (const event of matchingEvents(logs, logGroupName, startTime, messageId, signal)) {
      try {
        const line = JSON.parse(event.message ?? '') as Partial<NotifierLogLine> & { message?: unknown };
        if (typeof line.message === 'string') return line as NotifierLogLine;
      } catch {
        // a line that is not JSON is not the notifier's
      }
    }
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, LOG_POLL_MS);
      signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
}

function functionNamesOf(deployed: DeployedStack): Record<string, string> {
  try {
    return JSON.parse(deployed.outputs.FunctionNames ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

/**
 * The log events with this message id, page by page: FilterLogEvents may answer a page without events and a
 * token while later log streams still hold matches.
 */
async function* matchingEvents(
  logs: CloudWatchLogsClient,
  logGroupName: string,
  startTime: number,
  messageId: string,
  signal: AbortSignal,
): AsyncGenerator<{ message?: string }> {
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LOG_PAGES; page += 1) {
    const answer = await logs.send(
      new FilterLogEventsCommand({
        logGroupName,
        startTime,
        filterPattern: `{ $.messageId = "${messageId}" }`,
        limit: 10,
        nextToken,
      }),
      { abortSignal: signal },
    );
    yield* answer.events ?? [];
    nextToken = answer.nextToken;
    if (!nextToken) return;
  }
}
