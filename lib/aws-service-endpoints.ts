/**
 * The AWS APIs the functions' own code calls over the network, by IAM service prefix: the interface endpoint
 * that serves each inside a VPC and the host the SDK calls. No CDK import: `npm run verify` and the config
 * use it too.
 *
 * A VPC function's grants decide which of these it needs (`lib/monitoring-network.ts`); a grant whose prefix
 * is in neither list below fails the synth, so that a new AWS call cannot ship without a route.
 */
export const CALLED_SERVICES = {
  secretsmanager: { endpoint: 'secretsmanager', title: 'Secrets Manager' },
  cloudwatch: { endpoint: 'monitoring', title: 'CloudWatch' },
  sns: { endpoint: 'sns', title: 'SNS' },
  sqs: { endpoint: 'sqs', title: 'SQS' },
  lambda: { endpoint: 'lambda', title: 'Lambda' },
} as const;

export type CalledServicePrefix = keyof typeof CALLED_SERVICES;
export type EndpointService = (typeof CALLED_SERVICES)[CalledServicePrefix]['endpoint'];

export const ENDPOINT_SERVICES = Object.values(CALLED_SERVICES).map(
  (service) => service.endpoint,
) as EndpointService[];

/**
 * Prefixes granted for what AWS does on a function's behalf, outside the function's network: Lambda writes
 * its logs and manages its network interfaces, Lambda's X-Ray daemon sends the trace segments, and KMS is
 * called by the service that encrypts (Secrets Manager, SNS, SQS), never by the code.
 */
export const USED_BY_AWS_ON_BEHALF = ['logs', 'ec2', 'xray', 'kms'] as const;

/** `monitoring.eu-west-1.amazonaws.com`: the host an endpoint service answers on, public or private DNS. */
export function serviceHost(endpoint: EndpointService, region: string): string {
  return `${endpoint}.${region}.amazonaws.com`;
}

/** The IAM prefix of an action (`secretsmanager:GetSecretValue` → `secretsmanager`); `*` has none. */
export function actionPrefix(action: string): string | undefined {
  const colon = action.indexOf(':');
  return colon > 0 ? action.slice(0, colon).toLowerCase() : undefined;
}

export function isCalledService(prefix: string): prefix is CalledServicePrefix {
  return Object.hasOwn(CALLED_SERVICES, prefix);
}
