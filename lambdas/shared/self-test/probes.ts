import { readSecretNow } from '../secrets';
import type { DependencyCheck } from './dependency-checks';
import { CheckConfigError, HttpStatusError } from './failure';

/** `secretsmanager.eu-west-1.amazonaws.com`: the host an AWS API answers on in this function's region. */
export function awsHost(
  endpointService: string,
  env: Record<string, string | undefined> = process.env,
): string {
  return `${endpointService}.${env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
}

/** A secret's name, from its ARN (`…:secret:NAME-AbC123`): shown, never its value. */
export function secretName(secretArn: string): string {
  const resource = secretArn.slice(secretArn.indexOf(':secret:') + ':secret:'.length);
  return resource.replace(/-[A-Za-z0-9]{6}$/, '');
}

/**
 * Reads a secret past the cache (the network path and the grant, KMS included), and lets `inspect` say whether
 * its value is usable, in words that never quote it.
 */
export function secretCheck(
  secretArn: string,
  inspect: (value: string) => string = () => 'readable',
): DependencyCheck {
  return {
    dependency: 'Secrets Manager',
    target: `${awsHost('secretsmanager')} (${secretName(secretArn)})`,
    run: async () => inspect(await readSecretNow(secretArn)),
  };
}

/** A check that cannot start because `setting` is unusable: it fails at once as `config`, saying why. */
export function misconfiguredCheck(dependency: string, setting: string, problem: string): DependencyCheck {
  return {
    dependency,
    target: `(not configured: ${setting})`,
    run: () => Promise.reject(new CheckConfigError(problem)),
  };
}

/** A target for the report, or what is missing when the settings are incomplete (the check then says so). */
export function targetOf(describe: () => string): string {
  try {
    return describe();
  } catch (error) {
    return `(not configured: ${(error as Error).message})`;
  }
}

/**
 * Whether an HTTPS peer (Sentry, InfluxDB, Slack) is reachable from the function: any HTTP answer proves the
 * route, TLS included; `accept` decides which statuses pass (all by default). Sends no credential.
 */
export function httpsCheck(options: {
  dependency: string;
  url: string;
  method?: 'HEAD' | 'GET';
  headers?: Record<string, string>;
  accept?: (status: number) => boolean;
}): DependencyCheck {
  const url = new URL(options.url);
  return {
    dependency: options.dependency,
    target: url.host,
    run: async (signal) => {
      const response = await fetch(url, {
        method: options.method ?? 'HEAD',
        headers: options.headers,
        redirect: 'manual',
        signal,
      });
      await response.body?.cancel();
      if (options.accept && !options.accept(response.status)) throw new HttpStatusError(response.status);
      return `reachable, HTTP ${response.status}`;
    },
  };
}

/**
 * Sentry's ingest host, when the function reports errors there: reachable without sending an event. A DSN that
 * is no URL (Sentry then only logs and stays off) is that check's failure, not the whole self-test's.
 */
export function sentryChecks(env: Record<string, string | undefined> = process.env): DependencyCheck[] {
  if (!env.SENTRY_DSN) return [];
  if (!URL.canParse(env.SENTRY_DSN))
    return [misconfiguredCheck('Sentry', 'SENTRY_DSN', 'SENTRY_DSN is not a URL')];
  const { protocol, host } = new URL(env.SENTRY_DSN);
  return [httpsCheck({ dependency: 'Sentry', url: `${protocol}//${host}/` })];
}
