import { type Check, type CheckResult, failed, ok } from './check';
import { describeError } from './describe-error';
import { shortErrorString } from './short-error-string';

export const SLACK_TEST_MESSAGE = 'SignUpFlow monitoring: verify test message';

export interface SlackWebhookOptions {
  /** `Slack`, or `Slack #channel` for one of a stage's webhooks. */
  name: string;
  /** The webhook URL, or the line to print when there is none (not configured, placeholder, unreadable). */
  webhook: (signal: AbortSignal) => Promise<{ url: string } | { result: CheckResult }>;
  /** Where the URL is set, for the fixes: `SLACK_WEBHOOK_URL`, or the secret's name. */
  whereTheUrlIsSet: string;
  /** Names the origin in the message: `local`, or the stage. */
  stage: string;
}

/**
 * Posts one short test message to the webhook and passes on any 2xx. A refusal is reported with its status and
 * Slack's error string (`no_service`, `channel_is_archived`...); the URL's secret path is never printed.
 */
export function slackWebhookCheck(options: SlackWebhookOptions): Check {
  const fix = `check this machine's network or proxy; https://slack-status.com`;
  return {
    name: options.name,
    fix,
    run: async (signal) => {
      const webhook = await options.webhook(signal);
      if ('result' in webhook) return webhook.result;
      let url: URL;
      try {
        url = new URL(webhook.url);
      } catch {
        return failed(`${options.whereTheUrlIsSet} does not hold a URL`, replaceFix(options));
      }
      const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
      if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
        return failed(
          `${options.whereTheUrlIsSet} is not an https URL (the notifier would refuse it)`,
          replaceFix(options),
        );
      }
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `${SLACK_TEST_MESSAGE} (${options.stage}). No action needed.` }),
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        return failed(`${url.host}: ${describeError(error)}`, fix);
      }
      const error = shortErrorString(await response.text());
      if (response.ok) return ok(`test message posted to ${url.host} (HTTP ${response.status})`);
      return failed(
        `HTTP ${response.status} from ${url.host}${error ? ` (${error})` : ''}`,
        fixFor(response.status, error, options),
      );
    },
  };
}

function replaceFix(options: SlackWebhookOptions): string {
  return `create an incoming webhook in Slack (your app, Incoming Webhooks, Add New Webhook) and put its URL in ${options.whereTheUrlIsSet}`;
}

function fixFor(status: number, error: string | undefined, options: SlackWebhookOptions): string {
  if (error === 'channel_is_archived' || error === 'channel_not_found' || error === 'action_prohibited') {
    return `the webhook's channel is archived, deleted or closed to the app: unarchive it, or ${replaceFix(options)}`;
  }
  if (
    status === 404 ||
    status === 403 ||
    status === 410 ||
    error === 'no_service' ||
    error === 'invalid_token'
  ) {
    return `the webhook no longer exists (revoked, or its app removed): ${replaceFix(options)}`;
  }
  if (status === 429) return 'Slack is rate-limiting the webhook: wait a minute and run verify again';
  if (status >= 500) return 'Slack could not take the message: try again later; https://slack-status.com';
  return `Slack refused the message: check that ${options.whereTheUrlIsSet} is an incoming-webhook URL`;
}
