import {
  type CloudFormationClient,
  DescribeStacksCommand,
  ListStackResourcesCommand,
} from '@aws-sdk/client-cloudformation';
import { type Check, type CheckResult, failed, ok, skipped } from './check';
import { describeError } from './describe-error';
import { CheckTimeoutError, formatSeconds } from './run-checks';

export interface DeployedStack {
  name: string;
  status: string;
  outputs: Record<string, string>;
  /** Physical ids by resource type: an alarm's name, a log group's name. */
  resources: { type: string; physicalId: string }[];
}

const HEALTHY_STATUSES = new Set(['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE']);

/**
 * The deployed stack as CloudFormation describes it (outputs, status, resources), read once however many
 * checks need it, under its own timer: a check that gives up does not cancel the read for the others.
 */
export class StackReader {
  readonly stackName: string;
  readonly #client: CloudFormationClient;
  readonly #timeoutMs: number;
  #read: Promise<DeployedStack> | undefined;

  constructor(client: CloudFormationClient, stackName: string, timeoutMs: number) {
    this.#client = client;
    this.stackName = stackName;
    this.#timeoutMs = timeoutMs;
  }

  /** Settles within the timeout even when the client ignores the abort: the checks after it wait for it. */
  read(): Promise<DeployedStack> {
    this.#read ??= this.#withinTimeout(this.#fetch(AbortSignal.timeout(this.#timeoutMs)));
    return this.#read;
  }

  async #withinTimeout(reading: Promise<DeployedStack>): Promise<DeployedStack> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new CheckTimeoutError(`no answer within ${formatSeconds(this.#timeoutMs)}`)),
        this.#timeoutMs,
      );
    });
    reading.catch(() => undefined); // a read that loses the race may still reject later
    try {
      return await Promise.race([reading, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #fetch(abortSignal: AbortSignal): Promise<DeployedStack> {
    const { Stacks } = await this.#client.send(new DescribeStacksCommand({ StackName: this.stackName }), {
      abortSignal,
    });
    const stack = Stacks?.[0];
    if (!stack) throw new StackNotFoundError(`${this.stackName} does not exist`);
    const resources: DeployedStack['resources'] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListStackResourcesCommand({ StackName: this.stackName, NextToken: nextToken }),
        { abortSignal },
      );
      for (const summary of page.StackResourceSummaries ?? []) {
        if (summary.ResourceType && summary.PhysicalResourceId)
          resources.push({ type: summary.ResourceType, physicalId: summary.PhysicalResourceId });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return {
      name: this.stackName,
      status: stack.StackStatus ?? 'UNKNOWN',
      outputs: Object.fromEntries(
        (stack.Outputs ?? []).flatMap(({ OutputKey, OutputValue }) =>
          OutputKey && OutputValue !== undefined ? [[OutputKey, OutputValue]] : [],
        ),
      ),
      resources,
    };
  }
}

export class StackNotFoundError extends Error {
  override name = 'StackNotFoundError';
}

export const CREDENTIALS_FIX =
  "run verify with credentials for the stack's account and its region (AWS_PROFILE, AWS_REGION; aws sso login)";

/** The stack exists and its last deploy completed. */
export function stackCheck(reader: StackReader, region: string): Check {
  const fix = CREDENTIALS_FIX;
  return {
    name: 'CloudFormation stack',
    fix,
    run: async () => {
      let stack: DeployedStack;
      try {
        stack = await reader.read();
      } catch (error) {
        if (isNotFound(error)) {
          return failed(
            `${reader.stackName} is not deployed in ${region}`,
            `deploy it (README, Deploy), or ${fix}`,
          );
        }
        return failed(describeError(error), fix);
      }
      if (HEALTHY_STATUSES.has(stack.status)) return ok(`${stack.name} in ${region}: ${stack.status}`);
      if (stack.status.endsWith('_IN_PROGRESS')) {
        return failed(
          `${stack.name}: ${stack.status}`,
          'a deploy is running: run verify again when it has ended',
        );
      }
      return failed(
        `${stack.name}: ${stack.status}`,
        `the last deploy did not complete: read its events (aws cloudformation describe-stack-events --stack-name ${stack.name}) and deploy again`,
      );
    },
  };
}

/**
 * A check that needs the deployed stack: its timer starts once the stack is read (or given up), so a slow read
 * leaves it its whole time; skipped when the stack cannot be read (its own line has failed and says why), else
 * the check `build` makes from the stack.
 */
export function afterStack(
  reader: StackReader,
  name: string,
  fix: string,
  build: (stack: DeployedStack) => Check | CheckResult,
): Check {
  return {
    name,
    fix,
    after: () => reader.read(),
    run: async (signal) => {
      let stack: DeployedStack;
      try {
        stack = await reader.read();
      } catch {
        return skipped('needs the stack, which could not be read (see the CloudFormation stack line)');
      }
      const built = build(stack);
      return 'run' in built ? built.run(signal) : built;
    },
  };
}

function isNotFound(error: unknown): boolean {
  if (error instanceof StackNotFoundError) return true;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return name === 'ValidationError' && typeof message === 'string' && message.includes('does not exist');
}
