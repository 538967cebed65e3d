import {
  GetSecretValueCommand,
  type SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { vi } from 'vitest';
import type { DependencyResult } from '../../lambdas/shared/self-test/dependency-checks';
import type { SelfTestReport } from '../../lambdas/shared/self-test/report';

/** What every self-test test runs with: a region, credentials the SDK can sign with, and no Sentry. */
export const SELF_TEST_BASE_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
  POWERTOOLS_SERVICE_NAME: 'signupflow',
  POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
  STAGE: 'test',
  GIT_COMMIT_SHA: 'a1b2c3d',
  SENTRY_DSN: '',
} as const;

/** Sets `env` over the base for this test (undone by `vi.unstubAllEnvs()`); `undefined` unsets a name. */
export function stubSelfTestEnv(env: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries({ ...SELF_TEST_BASE_ENV, ...env })) vi.stubEnv(name, value);
}

/** The report's line for `dependency` (the first, or the one whose target contains `targetPart`). */
export function resultFor(report: SelfTestReport, dependency: string, targetPart = ''): DependencyResult {
  const result = report.selfTest.checks.find(
    (check) => check.dependency === dependency && check.target.includes(targetPart),
  );
  if (!result) {
    const lines = report.selfTest.checks.map((check) => `${check.dependency} ${check.target}`).join('; ');
    throw new Error(`no ${dependency} check${targetPart && ` on ${targetPart}`} in the report (${lines})`);
  }
  return result;
}

/** The dependencies of a report, in order, with whether each passed. */
export function outline(report: SelfTestReport): [string, boolean][] {
  return report.selfTest.checks.map((check) => [check.dependency, check.ok]);
}

/** Secrets Manager's refusal as the SDK raises it (an unmodeled error: the service exception with its name). */
export function secretsManagerDenied(secretArn: string): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: `User: arn:aws:sts::123456789012:assumed-role/signupflow-test-fn/fn is not authorized to perform: secretsmanager:GetSecretValue on resource: ${secretArn} because no identity-based policy allows the secretsmanager:GetSecretValue action`,
  });
}

/** The ARN of a test secret named `signupflow/test/NAME`, with the random suffix Secrets Manager adds. */
export function testSecretArn(name: string): string {
  return `arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/test/${name}-AbC123`;
}

/**
 * Secrets Manager (aws-sdk-client-mock) as a test needs it, from scratch: each ARN of `holding` answers its value
 * (an object as JSON), each of `refusing` is refused as IAM refuses it.
 */
export function answerSecrets(
  mock: AwsClientStub<SecretsManagerClient>,
  holding: Record<string, string | Record<string, unknown>>,
  refusing: string[] = [],
): void {
  mock.reset();
  for (const [secretArn, value] of Object.entries(holding)) {
    const SecretString = typeof value === 'string' ? value : JSON.stringify(value);
    mock.on(GetSecretValueCommand, { SecretId: secretArn }).resolves({ SecretString });
  }
  for (const secretArn of refusing) {
    mock.on(GetSecretValueCommand, { SecretId: secretArn }).rejects(secretsManagerDenied(secretArn));
  }
}
