import type pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runDependencyChecks } from '../../../../lambdas/shared/self-test/dependency-checks';
import { DeadlineError } from '../../../../lambdas/shared/self-test/failure';
import { postgresCheck } from '../../../../lambdas/shared/self-test/postgres-probe';
import { closedPort, type HungServer, startHungServer } from '../../../support/hung-server';
import { TEST_POSTGRES_URL } from '../../../support/postgres';

const DEADLINE_MS = 200;

function checkOf(settings: () => Promise<pg.ClientConfig>, sql = 'SELECT 1 AS ok') {
  return postgresCheck({
    target: 'the test server',
    settings,
    sql,
    describe: (rows) => `answered ${JSON.stringify(rows)}`,
  });
}

describe('postgresCheck: one query over a connection of its own', { timeout: 5_000 }, () => {
  let hung: HungServer | undefined;

  afterEach(async () => {
    await hung?.close();
    hung = undefined;
  });

  it("answers with what `describe` makes of the query's rows", async () => {
    const check = checkOf(
      async () => ({ connectionString: TEST_POSTGRES_URL }),
      "SELECT 'signupflow' AS name",
    );

    const [result] = await runDependencyChecks([check], 2_000);

    expect(result).toMatchObject({
      dependency: 'Postgres',
      ok: true,
      detail: 'answered [{"name":"signupflow"}]',
    });
  });

  it('fails as refused when nothing listens on the port', async () => {
    const port = await closedPort();
    const check = checkOf(async () => ({ host: '127.0.0.1', port, user: 'postgres' }));

    const [result] = await runDependencyChecks([check], 2_000);

    expect(result).toMatchObject({ ok: false, failure: { kind: 'refused', code: 'ECONNREFUSED' } });
  });

  it('fails a server that never answers as a timeout, and closes its socket at the deadline', async () => {
    // Prepare
    hung = await startHungServer();
    const server = hung;
    const check = checkOf(async () => ({ host: '127.0.0.1', port: server.port, user: 'postgres' }));

    // Act
    const [result] = await runDependencyChecks([check], DEADLINE_MS);

    // Assess
    expect(result).toMatchObject({ ok: false, failure: { kind: 'timeout' } });
    expect(server.connections).toBe(1);
    await vi.waitFor(() => expect(server.open).toBe(0), { timeout: 1_000 });
  });

  it('opens no connection when the deadline passed while its settings were still being read', async () => {
    // Prepare: the settings (a password secret) arrive only after the check was given up
    hung = await startHungServer();
    const server = hung;
    let deliverSettings: (settings: pg.ClientConfig) => void = () => undefined;
    const settings = new Promise<pg.ClientConfig>((resolve) => {
      deliverSettings = resolve;
    });
    const controller = new AbortController();
    const running = checkOf(() => settings).run(controller.signal);

    // Act
    controller.abort(new DeadlineError('no answer within 0.2 s'));
    deliverSettings({ host: '127.0.0.1', port: server.port, user: 'postgres' });

    // Assess
    await expect(running).rejects.toBeInstanceOf(DeadlineError);
    expect(server.connections).toBe(0);
  });
});
