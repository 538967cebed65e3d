import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { urlFromSecret } from '../../lambdas/slack-notifier/webhooks';
import type { StageConfig } from '../../lib/config';
import { slackWebhookSecretId } from '../../lib/deployed-names';
import { type Check, type CheckResult, failed } from './check';
import { CREDENTIALS_FIX } from './deployed-stack';
import { describeError, isAwsAccessProblem } from './describe-error';
import type { Redactor } from './redactor';
import { slackWebhookCheck } from './slack-webhook';
import { isSecretNotFound, readSecretString } from './stage-secret';

type Webhook = StageConfig['slack']['webhooks'][number];

/**
 * One webhook of a stage: its URL read from its secret (the stage's `webhookSecretArn`, or the one the stack
 * created, by name) as the notifier reads it, then the test message. A missing secret, a placeholder and an
 * unreadable secret are failures of their own, each with its fix.
 */
export function stageWebhookCheck(
  config: StageConfig,
  webhook: Webhook,
  secrets: SecretsManagerClient,
  redactor: Redactor,
): Check {
  const secretId = slackWebhookSecretId(config, webhook);
  const setIt = `put the webhook's URL in the secret ${secretId} (docs/MONITORING_RUNBOOK.md#set-or-rotate-a-webhook)`;
  const fail = (detail: string, fix: string): { result: CheckResult } => ({ result: failed(detail, fix) });
  return slackWebhookCheck({
    name: `Slack ${webhook.channel}${webhook.severities ? ` (${webhook.severities.join(', ')})` : ''}`,
    stage: config.stage,
    whereTheUrlIsSet: `the secret ${secretId}`,
    webhook: async (signal) => {
      let secret: string | undefined;
      try {
        secret = await readSecretString(secrets, secretId, redactor, signal);
      } catch (error) {
        if (signal.aborted) throw error;
        if (isSecretNotFound(error)) {
          return fail(
            `the secret ${secretId} does not exist`,
            `deploy the stack, which creates it, then ${setIt}`,
          );
        }
        const fix = isAwsAccessProblem(error)
          ? CREDENTIALS_FIX
          : 'verify needs GetSecretValue on the secret (and kms:Decrypt on its key)';
        return fail(describeError(error), fix);
      }
      const url = urlFromSecret(secret ?? '');
      redactor.addSecretUrl(url);
      if (!/^https?:\/\//.test(url))
        return fail(`the secret ${secretId} holds no webhook URL yet (a placeholder)`, setIt);
      return { url };
    },
  });
}
