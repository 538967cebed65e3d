import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SELF_TEST_AWS_CLIENT_CONFIG } from '../shared/self-test/aws-clients';
import type { DependencyCheck } from '../shared/self-test/dependency-checks';
import { CheckConfigError } from '../shared/self-test/failure';
import { awsHost, httpsCheck, secretCheck, sentryChecks } from '../shared/self-test/probes';
import { type SelfTestReport, selfTestReport } from '../shared/self-test/report';
import { parseRoutes } from './routing';
import { urlFromSecret } from './webhooks';

type Env = Record<string, string | undefined>;

/**
 * Outside the VPC: every webhook secret holds a webhook URL (not the placeholder a new one is created with),
 * the dead-letter queue answers, Slack and Sentry are reachable. Whether Slack takes a message is the test
 * alert's part.
 */
export function selfTest(env: Env = process.env): Promise<SelfTestReport> {
  return selfTestReport('slack-notifier', [
    ...webhookSecretChecks(env),
    deadLetterQueueCheck(env),
    httpsCheck({ dependency: 'Slack', url: 'https://hooks.slack.com/' }),
    ...sentryChecks(env),
  ]);
}

function webhookSecretChecks(env: Env): DependencyCheck[] {
  let routes: ReturnType<typeof parseRoutes>;
  try {
    routes = parseRoutes(env.SLACK_WEBHOOKS);
  } catch (error) {
    const problem = new CheckConfigError(`SLACK_WEBHOOKS is unreadable: ${(error as Error).message}`);
    return [{ dependency: 'Secrets Manager', target: 'SLACK_WEBHOOKS', run: () => Promise.reject(problem) }];
  }
  return routes.map((route) => secretCheck(route.secretArn, webhookUrlHost(route.channel)));
}

/** Says which host the secret's webhook URL points at, or that it holds none yet. */
function webhookUrlHost(channel: string): (value: string) => string {
  return (value) => {
    let url: URL;
    try {
      url = new URL(urlFromSecret(value));
    } catch {
      throw new CheckConfigError(
        `the webhook secret of ${channel} holds no webhook URL yet (the placeholder it was created with)`,
      );
    }
    if (url.protocol !== 'https:')
      throw new CheckConfigError(`the webhook secret of ${channel} is not an https URL`);
    return `${channel}: a webhook URL on ${url.host}`;
  };
}

function deadLetterQueueCheck(env: Env): DependencyCheck {
  const client = new SQSClient(SELF_TEST_AWS_CLIENT_CONFIG);
  return {
    dependency: 'SQS',
    target: awsHost('sqs', env),
    run: async (signal) => {
      const queueUrl = env.NOTIFIER_DLQ_URL;
      if (!queueUrl) throw new CheckConfigError('NOTIFIER_DLQ_URL is not set');
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
        { abortSignal: signal },
      );
      return `dead-letter queue answers: ${Attributes?.ApproximateNumberOfMessages ?? '?'} waiting`;
    },
  };
}
