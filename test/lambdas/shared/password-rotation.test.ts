import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDatabase, type Database } from '../../../lambdas/shared/database';
import { type CapturedOutput, captureOutput } from '../../support/output';
import { type PasswordPostgres, startPasswordPostgres } from '../../support/password-postgres';

const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:signupflow/db-password-AbC123';
const secretsManager = mockClient(SecretsManagerClient);

describe('a database password rotated under a warm pool', () => {
  let server: PasswordPostgres;
  let database: Database;
  let output: CapturedOutput;
  /** What Secrets Manager answers: the tests rotate it with the role's password, or not. */
  let storedPassword = 'first-password-4Kq9';

  const secretReads = () => secretsManager.commandCalls(GetSecretValueCommand).length;

  /** The server ends the pool's idle session (idle timeout, failover): the next query needs a new connection. */
  const dropIdleSessions = async () => {
    output.clear();
    await server.admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'app_user'`);
    await vi.waitFor(() =>
      expect(output.records()).toContainEqual(
        expect.objectContaining({ message: 'An idle Postgres connection failed' }),
      ),
    );
  };

  const rotate = async (password: string, options: { secretToo: boolean }) => {
    await server.admin(`ALTER ROLE app_user PASSWORD '${password}'`);
    if (options.secretToo) storedPassword = password;
    await dropIdleSessions();
  };

  beforeAll(async () => {
    server = await startPasswordPostgres();
    await server.admin(`CREATE ROLE app_user LOGIN PASSWORD '${storedPassword}'`);
    secretsManager.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).callsFake(async () => ({
      ARN: SECRET_ARN,
      SecretString: JSON.stringify({ password: storedPassword }),
    }));
    for (const [name, value] of Object.entries({
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE12',
      AWS_SECRET_ACCESS_KEY: 'test-only-not-a-real-key',
      DATABASE_HOST: '127.0.0.1',
      DATABASE_PORT: String(server.port),
      DATABASE_NAME: 'postgres',
      DATABASE_USER: 'app_user',
      DATABASE_PASSWORD_SECRET_ARN: SECRET_ARN,
      DATABASE_SSL: 'disable',
      POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
    }))
      vi.stubEnv(name, value);
    output = captureOutput();
    database = await createDatabase({ add: () => undefined, highest: () => undefined });
  });

  beforeEach(() => {
    output.clear();
  });

  afterAll(async () => {
    output?.restore();
    await database?.end();
    await server?.stop();
    secretsManager.restore();
  });

  it('connects with the secret it read once, then serves from the cache', async () => {
    // Act
    const first = await database.query<{ user: string }>('select', 'SELECT current_user AS user');
    await dropIdleSessions();
    const second = await database.query<{ user: string }>('select', 'SELECT current_user AS user');

    // Assess: a real password check passed twice, on two connections, with one read of the secret
    expect([first.rows, second.rows]).toEqual([[{ user: 'app_user' }], [{ user: 'app_user' }]]);
    expect(secretReads()).toBe(1);
  });

  it('reads the secret again once when a new connection is refused after a rotation, and succeeds', async () => {
    // Prepare
    await rotate('second-password-7Zt2', { secretToo: true });
    const readsBefore = secretReads();

    // Act
    const { rows } = await database.query<{ ok: number }>('select', 'SELECT 1 AS ok');

    // Assess
    expect(rows).toEqual([{ ok: 1 }]);
    expect(secretReads() - readsBefore).toBe(1);
    expect(output.records()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'Postgres refused the login (28P01), so the database secret is read again',
      }),
    );
    expect(output.text()).not.toContain('second-password-7Zt2');
  });

  it('reports a second refusal in a row as an error instead of retrying again', async () => {
    // Prepare: the role's password changes but the secret still holds the old one
    await rotate('third-password-1Hs8', { secretToo: false });
    const readsBefore = secretReads();

    // Act
    const query = database.query('select', 'SELECT 1');

    // Assess
    await expect(query).rejects.toMatchObject({ code: '28P01' });
    expect(secretReads() - readsBefore).toBe(1);
  }, 10_000); // a retry loop would never settle: fail fast instead of at the 60 s default
});
