import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { esbuildOptions } from '../../lib/bundling';
import { buildSideBundles } from '../../scripts/build-side-bundles';

const run = promisify(execFile);
const RESPONSE_MARK = '@@response ';

/**
 * A function as Lambda deploys it: its handler's bundle and the side bundles in a fresh folder outside this
 * repository, so that no package resolves from node_modules.
 */
export async function buildTaskRoot(functionDir: string): Promise<string> {
  const taskRoot = mkdtempSync(path.join(os.tmpdir(), `signupflow-${functionDir}-task-`));
  const entry = path.resolve(__dirname, '..', '..', 'lambdas', functionDir, 'handler.ts');
  await build(esbuildOptions(entry, path.join(taskRoot, 'index.mjs')));
  await buildSideBundles(taskRoot);
  return taskRoot;
}

/**
 * One invocation of the task root's handler in a fresh Node with only `env` (and PATH, LAMBDA_TASK_ROOT):
 * the handler's answer, and everything the process printed. `exit` ends the process once it has answered,
 * for a handler whose open clients (Redis) would keep it alive.
 */
export async function invokeInFreshNode(
  taskRoot: string,
  event: unknown,
  context: unknown,
  env: Record<string, string>,
  options: { exit?: boolean } = {},
): Promise<{ response: Record<string, unknown>; stdout: string; stderr: string }> {
  const script = [
    `const { handler } = await import(${JSON.stringify(pathToFileURL(path.join(taskRoot, 'index.mjs')).href)});`,
    `const response = await handler(${JSON.stringify(event)}, ${JSON.stringify(context)});`,
    `process.stdout.write('\\n${RESPONSE_MARK}' + JSON.stringify(response) + '\\n');`,
    ...(options.exit ? ['process.exit(0);'] : []),
  ].join('\n');
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: taskRoot,
    env: { PATH: process.env.PATH, LAMBDA_TASK_ROOT: taskRoot, ...env },
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(RESPONSE_MARK));
  return { response: JSON.parse(line?.slice(RESPONSE_MARK.length) ?? '{}'), stdout, stderr };
}
