/** Table privileges the monitoring role may hold. */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * What the monitoring role (`DATABASE_USER`, the API, health check and alert evaluator) may do to each table:
 * exactly what their queries need. Every table of the schema is listed, the migrations' own with nothing, so
 * that a new table is a decision (a test compares this with the migrated schema).
 */
export const MONITORING_GRANTS: Readonly<Record<string, readonly TablePrivilege[]>> = {
  organizations: ['SELECT'],
  events: ['SELECT'],
  // Rules are written by operators (`npm run rules`), read by the evaluator.
  alert_rules: ['SELECT'],
  alert_rule_state: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  alert_notifications: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  metrics_export_state: ['SELECT', 'INSERT', 'UPDATE'],
  schema_migrations: [],
};
