import { secretCheck, sentryChecks } from '../shared/self-test/probes';
import { redisChecks } from '../shared/self-test/redis-checks';
import { SELF_TEST_CHECK_TIMEOUT_MS, type SelfTestReport, selfTestReport } from '../shared/self-test/report';

/** The scrape token's secret, the Redis the snapshot is read from, and Sentry. */
export function selfTest(): Promise<SelfTestReport> {
  const tokenSecretArn = process.env.METRICS_TOKEN_SECRET_ARN;
  return selfTestReport('metrics-exporter', [
    ...(tokenSecretArn ? [secretCheck(tokenSecretArn, () => 'holds the scrape token')] : []),
    ...redisChecks(SELF_TEST_CHECK_TIMEOUT_MS),
    ...sentryChecks(),
  ]);
}
