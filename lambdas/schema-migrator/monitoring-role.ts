import pg from 'pg';
import { MONITORING_GRANTS } from './monitoring-grants';
import { scramSha256Verifier } from './scram-verifier';

export interface MonitoringRole {
  /** A lower-case role name (validated by the stage config). */
  name: string;
  /** The password the functions read from their secret. */
  password: string;
}

/**
 * Makes the monitoring role exist, log in with the functions' password, and hold exactly the privileges of
 * `MONITORING_GRANTS` on this database's `public` schema: created when missing, its password set from the
 * secret (as a SCRAM verifier, never in clear), every table's privileges revoked and granted again, in one
 * transaction. Returns whether the role was created.
 */
export async function ensureMonitoringRole(
  client: pg.ClientBase,
  role: MonitoringRole,
): Promise<{ created: boolean }> {
  const name = pg.escapeIdentifier(role.name);
  const verifier = pg.escapeLiteral(scramSha256Verifier(role.password));
  await client.query('BEGIN');
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.name]);
    const created = rowCount === 0;
    if (created) await client.query(`CREATE ROLE ${name} LOGIN`);
    await alterRole(client, role.name, `ALTER ROLE ${name} WITH LOGIN PASSWORD ${verifier}`);
    const { rows } = await client.query<{ database: string }>('SELECT current_database() AS database');
    await client.query(
      `GRANT CONNECT ON DATABASE ${pg.escapeIdentifier(rows[0]?.database as string)} TO ${name}`,
    );
    await client.query(`GRANT USAGE ON SCHEMA public TO ${name}`);
    await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${name}`);
    for (const [table, privileges] of Object.entries(MONITORING_GRANTS)) {
      if (privileges.length === 0) continue;
      await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${pg.escapeIdentifier(table)} TO ${name}`);
    }
    await client.query('COMMIT');
    return { created };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/**
 * `ALTER ROLE`, with the fix when the admin may not: from PostgreSQL 16 a role with CREATEROLE (RDS's master)
 * alters only the roles it created or holds ADMIN OPTION on, and no such admin alters a superuser.
 */
async function alterRole(client: pg.ClientBase, role: string, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    if ((error as { code?: unknown }).code !== '42501') throw error;
    throw new Error(
      `The admin login may not change the existing role ${role} (${(error as Error).message}): have its creator run GRANT ${role} TO <the admin role> WITH ADMIN OPTION, or drop the role so that the deploy creates it`,
      { cause: error },
    );
  }
}
