import type { AlertContext } from './alert-notification';
import type { Deployment } from './metric-catalogue';

type Env = Record<string, string | undefined>;

export interface EvaluatorSettings {
  topicArn: string;
  deployment: Deployment;
  context: AlertContext;
  /** How long a run owns the notifications it publishes before another run may retry them. */
  claimSeconds: number;
}

/**
 * The evaluator's settings from its environment. The AWS SDK's own variables (`AWS_REGION`,
 * `AWS_ENDPOINT_URL_CLOUDWATCH`, `AWS_ENDPOINT_URL_SNS`) are left to the SDK.
 */
export function evaluatorSettings(env: Env = process.env): EvaluatorSettings {
  const topicArn = env.ALERT_TOPIC_ARN;
  if (!topicArn) throw new Error('ALERT_TOPIC_ARN is not set: the evaluator has nowhere to publish');
  const deployment = deploymentFromEnv(env);
  const serviceName = deployment.serviceName;
  return {
    topicArn,
    deployment,
    context: {
      service: serviceName,
      stage: env.STAGE ?? 'local',
      ...(env.DASHBOARD_URL && { dashboardUrl: env.DASHBOARD_URL }),
    },
    claimSeconds: Number(env.EVALUATOR_CLAIM_SECONDS ?? 120),
  };
}

/** Where the deployment's metrics are, from the variables the stack sets on the evaluator. */
export function deploymentFromEnv(env: Env = process.env): Deployment {
  return {
    namespace: env.POWERTOOLS_METRICS_NAMESPACE ?? 'SignUpFlow',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'signupflow',
    httpApiId: env.HTTP_API_ID || undefined,
    functionNames: parseFunctionNames(env.MONITORED_FUNCTIONS),
    deadLetterQueueName: env.NOTIFIER_DEAD_LETTER_QUEUE_NAME || undefined,
  };
}

/** `{"api": "signupflow-dev-api", ...}`; anything else is no function names, and the rules on them say so. */
function parseFunctionNames(text: string | undefined): Record<string, string> {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    return {};
  }
}
