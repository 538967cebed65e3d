import type { StageConfig } from './config';

type Webhook = StageConfig['slack']['webhooks'][number];
type Names = Pick<StageConfig, 'serviceName' | 'stage'>;

/**
 * Names of what a stage deploys, shared by the stack and by `npm run verify`, which finds them by these names.
 * No CDK import: verify loads this without the construct library.
 */

/** The stage's stack: `SignUpFlowMonitoring-<stage>`. */
export function stackIdFor(config: Pick<StageConfig, 'stage'>): string {
  return `SignUpFlowMonitoring-${config.stage}`;
}

/** Every alarm of the stack is named `<service>-<stage>-…`. */
export function alarmNamePrefix(config: Names): string {
  return `${config.serviceName}-${config.stage}-`;
}

/**
 * The name of the secret the stack creates for a webhook the stage gives no `webhookSecretArn` for:
 * `<service>/<stage>/slack-webhook/<channel>[-<severities>]`.
 */
export function slackWebhookSecretName(
  config: Names,
  webhook: Pick<Webhook, 'channel' | 'severities'>,
): string {
  const suffix = [webhook.channel.slice(1), ...(webhook.severities ?? [])].join('-');
  return `${config.serviceName}/${config.stage}/slack-webhook/${suffix}`;
}

/** The secret holding a webhook's URL: the stage's own ARN, or the one the stack created. */
export function slackWebhookSecretId(
  config: Names,
  webhook: Pick<Webhook, 'channel' | 'severities' | 'webhookSecretArn'>,
): string {
  return webhook.webhookSecretArn ?? slackWebhookSecretName(config, webhook);
}
