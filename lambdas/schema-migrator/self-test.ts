import { monitoringDatabaseChecks, postgresTarget } from '../shared/self-test/database-checks';
import { CheckConfigError } from '../shared/self-test/failure';
import { postgresCheck } from '../shared/self-test/postgres-probe';
import { secretCheck, sentryChecks } from '../shared/self-test/probes';
import { type SelfTestReport, selfTestReport } from '../shared/self-test/report';
import { adminClientConfig, secretLogin } from './migrate-schema';

type Env = Record<string, string | undefined>;

/**
 * What the deploy's schema step reaches: the admin login and the schema it keeps (how many migrations ran),
 * and the monitoring role it made, logging in with the functions' password.
 */
export function selfTest(env: Env = process.env): Promise<SelfTestReport> {
  const adminSecretArn = env.DATABASE_ADMIN_SECRET_ARN;
  return selfTestReport('schema-migrator', [
    ...(adminSecretArn ? [secretCheck(adminSecretArn, () => 'holds the admin login')] : []),
    postgresCheck({
      target: `${postgresTarget(env)} (admin)`,
      settings: async () => {
        if (!adminSecretArn) throw new CheckConfigError('DATABASE_ADMIN_SECRET_ARN is not set');
        return adminClientConfig(env, await secretLogin(adminSecretArn, 'the admin secret'));
      },
      sql: 'SELECT count(*)::int AS applied, max(name) AS latest FROM schema_migrations',
      describe: ([row]) => `${row?.applied} migrations applied, the latest ${row?.latest}`,
    }),
    ...monitoringDatabaseChecks('SELECT current_user AS role', ([row]) => `logs in as ${row?.role}`, env),
    ...sentryChecks(env),
  ]);
}
