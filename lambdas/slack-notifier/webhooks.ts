import type { AlertSeverity } from '../shared/alert-message';
import { getSecretString } from '../shared/secrets';
import { chooseRoute, parseRoutes, type Route } from './routing';

/** Webhook URLs are cached per Lambda environment for this long: rotation takes effect within 5 minutes. */
export const WEBHOOK_CACHE_SECONDS = 300;

export type WebhookLookup = { key: string; url: string } | { error: string };

export interface WebhookDirectory {
  webhookFor(channel: string, severity: AlertSeverity): Promise<WebhookLookup>;
}

/**
 * In AWS, `SLACK_WEBHOOKS` (channel, severities, secret ARN per webhook; never a URL) and Secrets Manager
 * through Powertools Parameters, cached. Locally, `SLACK_WEBHOOK_URL` alone is enough.
 */
export function webhookDirectory(env: NodeJS.ProcessEnv = process.env): WebhookDirectory {
  const routes = parseRoutes(env.SLACK_WEBHOOKS);
  const localUrl = env.SLACK_WEBHOOK_URL;
  return {
    async webhookFor(channel, severity) {
      const route = chooseRoute(routes, channel, severity);
      if (!route) {
        if (localUrl) return checked(channel, localUrl, 'SLACK_WEBHOOK_URL');
        return { error: 'no webhook configured: set SLACK_WEBHOOKS or SLACK_WEBHOOK_URL' };
      }
      return fromSecret(route);
    },
  };
}

async function fromSecret(route: Route): Promise<WebhookLookup> {
  let value: unknown;
  try {
    value = await getSecretString(route.secretArn, WEBHOOK_CACHE_SECONDS);
  } catch (error) {
    return { error: `could not read the webhook secret of ${route.channel} (${(error as Error).name})` };
  }
  if (typeof value !== 'string') return { error: `the webhook secret of ${route.channel} is not a string` };
  return checked(route.channel, urlFromSecret(value), `the webhook secret of ${route.channel}`);
}

/** The whole secret string, or a JSON object with a `url` key. */
export function urlFromSecret(value: string): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as { url?: unknown };
    return typeof parsed.url === 'string' ? parsed.url : '';
  } catch {
    return '';
  }
}

/** A value that is not an https URL (such as the placeholder a new secret is created with) is not used. */
function checked(key: string, value: string, source: string): WebhookLookup {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      error: `${source} does not hold a webhook URL yet (see the runbook: "Set or rotate a webhook")`,
    };
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost';
  if (url.protocol !== 'https:' && !(loopback && url.protocol === 'http:')) {
    return { error: `${source} is not an https URL` };
  }
  return { key, url: url.toString() };
}
