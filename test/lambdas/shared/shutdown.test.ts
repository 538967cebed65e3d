import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../..');
const MINUTE_MS = 60_000;

/** Starts the child with the environment Lambda gives a function; resolves once its invocation returned. */
async function startEnvironment(env: Record<string, string>): Promise<{
  child: ChildProcess;
  stdout: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'test/lambdas/shared/shutdown-child.ts')],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        POWERTOOLS_SERVICE_NAME: 'signupflow',
        POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/test',
        METRICS_FLUSH_INTERVAL_SECONDS: '60',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const out: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    let err = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString('utf8');
      if (err.includes('ready\n')) resolve();
    });
    exit.then(() => reject(new Error(`the child exited before it was ready: ${err}`)));
  });
  return { child, stdout: () => Buffer.concat(out).toString('utf8'), exit };
}

const requestDocuments = (stdout: string) =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown> & { _aws: { Timestamp: number } })
    .filter((document) => 'http_request_duration_seconds' in document);

describe('the shutdown flush', () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    if (running?.exitCode === null && running.signalCode === null) running.kill('SIGKILL');
  });

  it('writes the pending metrics, stamped with their minute, when Lambda sends SIGTERM', async () => {
    // Prepare
    const before = Date.now();
    const environment = await startEnvironment({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001' });
    running = environment.child;
    const pendingBeforeTheSignal = requestDocuments(environment.stdout());

    // Act
    environment.child.kill('SIGTERM');
    const { code } = await environment.exit;

    // Assess
    expect(pendingBeforeTheSignal).toEqual([]);
    expect(code).toBe(0);
    const [document, ...others] = requestDocuments(environment.stdout());
    expect(others).toEqual([]);
    expect(document).toMatchObject({
      endpoint: '/api/events',
      status_code: '200',
      http_request_duration_seconds: expect.any(Number),
    });
    const timestamp = document?._aws.Timestamp ?? 0;
    expect(timestamp % MINUTE_MS).toBe(0);
    expect(timestamp).toBeGreaterThan(before - MINUTE_MS);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('leaves signals alone outside Lambda', async () => {
    // Prepare
    const environment = await startEnvironment({});
    running = environment.child;

    // Act
    environment.child.kill('SIGTERM');
    const { signal } = await environment.exit;

    // Assess: Node's default, death by the signal, with nothing written.
    expect(signal).toBe('SIGTERM');
    expect(requestDocuments(environment.stdout())).toEqual([]);
  });
});
