import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  EXTENSION_ID,
  type RegisterAnswer,
  type RuntimeApiStandIn,
  startRuntimeApiStandIn,
} from '../../support/runtime-api-server';

const EXTENSION = path.resolve(__dirname, '../../../lambdas/shared/shutdown-signal-extension.mjs');

/** What the runtime does once the preloaded modules have run: ask for its first event, then (here) stop. */
const RUNTIME = `
const api = process.env.AWS_LAMBDA_RUNTIME_API;
const response = await fetch('http://' + api + '/2018-06-01/runtime/invocation/next');
await response.text();
`;

/** A Node process started as Lambda starts the runtime with NODE_OPTIONS=--import <the extension>. */
async function startRuntime(
  api: RuntimeApiStandIn,
): Promise<{ code: number | null; stderr: string; elapsedMs: number }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', EXTENSION, '--input-type=module', '-e', RUNTIME], {
    env: { PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: api.address },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stderr, elapsedMs: performance.now() - startedAt };
}

describe('the shutdown-signal extension', () => {
  let api: RuntimeApiStandIn | undefined;
  const runtimeApi = async (register: RegisterAnswer) => {
    api = await startRuntimeApiStandIn(register);
    return api;
  };
  afterEach(() => api?.close());

  it('registers for no events before the runtime asks for its first event, then waits for events with its id', async () => {
    // Prepare
    const stand = await runtimeApi('accept');

    // Act
    const { code } = await startRuntime(stand);

    // Assess: the process still ends by itself, so the open request holds nothing.
    expect(code).toBe(0);
    const urls = stand.requests.map((request) => `${request.method} ${request.url}`);
    expect(urls.sort()).toEqual([
      'GET /2018-06-01/runtime/invocation/next',
      'GET /2020-01-01/extension/event/next',
      'POST /2020-01-01/extension/register',
    ]);
    const requestTo = (url: string) => stand.requests.find((request) => request.url === url);
    const register = requestTo('/2020-01-01/extension/register');
    const next = requestTo('/2020-01-01/extension/event/next');
    const runtimeNext = requestTo('/2018-06-01/runtime/invocation/next');
    expect(runtimeNext?.receivedAt).toBeGreaterThan(stand.registeredAt ?? Number.POSITIVE_INFINITY);
    expect(JSON.parse(register?.body ?? '')).toEqual({ events: [] });
    expect(register?.headers['lambda-extension-name']).toBe('signupflow-shutdown-signal');
    expect(next?.headers['lambda-extension-identifier']).toBe(EXTENSION_ID);
  });

  it('lets the function run when the registration is refused, with a warning', async () => {
    // Prepare
    const stand = await runtimeApi('refuse');

    // Act
    const { code, stderr } = await startRuntime(stand);

    // Assess
    expect(code).toBe(0);
    expect(stand.requests.map((request) => request.url)).toEqual([
      '/2020-01-01/extension/register',
      '/2018-06-01/runtime/invocation/next',
    ]);
    expect(JSON.parse(stderr.trim())).toMatchObject({
      level: 'WARN',
      message: 'The shutdown-signal extension did not register',
      reason: 'Error: register answered 403',
    });
  });

  it('gives up on a registration that hangs after a second, so that init is never held longer', async () => {
    // Prepare
    const stand = await runtimeApi('hang');

    // Act
    const { code, stderr, elapsedMs } = await startRuntime(stand);

    // Assess: generous bound, against a hang; the timeout is 1 s.
    expect(code).toBe(0);
    expect(stderr).toContain('register timed out');
    expect(elapsedMs).toBeLessThan(10_000);
    expect(stand.requests.at(-1)?.url).toBe('/2018-06-01/runtime/invocation/next');
  });
});
