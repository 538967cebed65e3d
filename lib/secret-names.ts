import type { StageConfig } from './config';

type Webhook = StageConfig['slack']['webhooks'][number];

/**
 * The name of the secret the stack creates for a webhook the stage gives no `webhookSecretArn` for:
 * `<service>/<stage>/slack-webhook/<channel>[-<severities>]`. `npm run verify` reads it by this name.
 */
export function slackWebhookSecretName(
  config: Pick<StageConfig, 'serviceName' | 'stage'>,
  webhook: Pick<Webhook, 'channel' | 'severities'>,
): string {
  const suffix = [webhook.channel.slice(1), ...(webhook.severities ?? [])].join('-');
  return `${config.serviceName}/${config.stage}/slack-webhook/${suffix}`;
}

/** The secret holding a webhook's URL: the stage's own ARN, or the one the stack created. */
export function slackWebhookSecretId(
  config: Pick<StageConfig, 'serviceName' | 'stage'>,
  webhook: Pick<Webhook, 'channel' | 'severities' | 'webhookSecretArn'>,
): string {
  return webhook.webhookSecretArn ?? slackWebhookSecretName(config, webhook);
}
