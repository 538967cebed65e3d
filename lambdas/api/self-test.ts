import { monitoringDatabaseChecks } from '../shared/self-test/database-checks';
import { sentryChecks } from '../shared/self-test/probes';
import { type SelfTestReport, selfTestReport } from '../shared/self-test/report';

/** The API reads events as the monitoring role, with its password from Secrets Manager, and reports to Sentry. */
export function selfTest(): Promise<SelfTestReport> {
  return selfTestReport('api', [
    ...monitoringDatabaseChecks('SELECT 1 FROM events LIMIT 1', () => 'reads events'),
    ...sentryChecks(),
  ]);
}
