import { monitoringDatabaseChecks } from '../shared/self-test/database-checks';
import { sentryChecks } from '../shared/self-test/probes';
import { redisChecks } from '../shared/self-test/redis-checks';
import { SELF_TEST_CHECK_TIMEOUT_MS, type SelfTestReport, selfTestReport } from '../shared/self-test/report';

/** The health check's own dependencies, each asked on a connection of its own (not the probes' cached ones). */
export function selfTest(): Promise<SelfTestReport> {
  return selfTestReport('health', [
    ...monitoringDatabaseChecks('SELECT 1 AS ok', () => 'answers SELECT 1'),
    ...redisChecks(SELF_TEST_CHECK_TIMEOUT_MS),
    ...sentryChecks(),
  ]);
}
