import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { getSecretString } from '../shared/secrets';
import { SELF_TEST_AWS_CLIENT_CONFIG } from '../shared/self-test/aws-clients';
import type { DependencyCheck } from '../shared/self-test/dependency-checks';
import { CheckConfigError } from '../shared/self-test/failure';
import {
  awsHost,
  httpsCheck,
  misconfiguredCheck,
  secretCheck,
  sentryChecks,
} from '../shared/self-test/probes';
import { type SelfTestReport, selfTestReport } from '../shared/self-test/report';
import { chooseRoute, parseRoutes, type Route } from './routing';
import { urlFromSecret, WEBHOOK_CACHE_SECONDS } from './webhooks';

type Env = Record<string, string | undefined>;

/**
 * Outside the VPC: every webhook secret holds a webhook URL (not the placeholder a new one is created with),
 * the dead-letter queue answers, Slack (at the host of the webhook the test alert takes) and Sentry are
 * reachable. Whether Slack takes a message is the test alert's part.
 */
export function selfTest(env: Env = process.env): Promise<SelfTestReport> {
  let routes: Route[];
  try {
    routes = parseRoutes(env.SLACK_WEBHOOKS);
  } catch (error) {
    const problem = `SLACK_WEBHOOKS is unreadable: ${(error as Error).message}`;
    return selfTestReport('slack-notifier', [
      misconfiguredCheck('Secrets Manager', 'SLACK_WEBHOOKS', problem),
      deadLetterQueueCheck(env),
      misconfiguredCheck('Slack', 'SLACK_WEBHOOKS', problem),
      ...sentryChecks(env),
    ]);
  }
  return selfTestReport('slack-notifier', [
    ...routes.map((route) =>
      secretCheck(route.secretArn, (value) => {
        const url = webhookUrl(value, `the webhook secret of ${route.channel}`);
        return `${route.channel}: a webhook URL on ${url.host}`;
      }),
    ),
    deadLetterQueueCheck(env),
    slackCheck(routes, env),
    ...sentryChecks(env),
  ]);
}

/**
 * Slack at the host of the webhook the test alert takes (the default channel's for severity info, as the
 * notifier routes it; hooks.slack.com, or GovSlack's), asked without posting anything.
 */
function slackCheck(routes: Route[], env: Env): DependencyCheck {
  const channel = env.SLACK_ALERT_CHANNEL ?? '#alerts';
  const route = chooseRoute(routes, channel, 'info');
  return {
    dependency: 'Slack',
    target: route ? `the webhook host of ${route.channel}` : 'the host of SLACK_WEBHOOK_URL',
    run: async (signal) => {
      const url = await testAlertWebhook(route, env.SLACK_WEBHOOK_URL);
      signal.throwIfAborted();
      return `${url.host}: ${await httpsCheck({ dependency: 'Slack', url: `${url.origin}/` }).run(signal)}`;
    },
  };
}

/** The webhook URL the test alert is posted to: its route's secret (as delivery reads it), or the local one. */
async function testAlertWebhook(route: Route | undefined, localUrl: string | undefined): Promise<URL> {
  if (route) {
    const value = await getSecretString(route.secretArn, WEBHOOK_CACHE_SECONDS);
    return webhookUrl(value, `the webhook secret of ${route.channel}`);
  }
  if (!localUrl) throw new CheckConfigError('no webhook configured: set SLACK_WEBHOOKS or SLACK_WEBHOOK_URL');
  return webhookUrl(localUrl, 'SLACK_WEBHOOK_URL');
}

/**
 * The webhook URL a secret (or SLACK_WEBHOOK_URL) holds, taken as delivery takes it (`webhooks.ts`): https, or
 * http on loopback for local runs. Never quotes the value.
 */
function webhookUrl(value: string, source: string): URL {
  const text = urlFromSecret(value);
  if (!URL.canParse(text)) {
    throw new CheckConfigError(`${source} holds no webhook URL yet (the placeholder it was created with)`);
  }
  const url = new URL(text);
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    throw new CheckConfigError(`${source} is not an https URL`);
  }
  return url;
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
