import { spawn } from 'node:child_process';
import path from 'node:path';

const REPOSITORY = path.resolve(__dirname, '../..');

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * `npm run verify -- ARGS` as a child process (tsx, as the npm script runs it), with exactly `env` and PATH:
 * nothing of the developer's own environment (a SENTRY_DSN, a SLACK_WEBHOOK_URL) leaks into the test.
 */
export function runVerifyCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/verify.ts', ...args], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) =>
      resolve({ exitCode, stdout, stderr, elapsedMs: performance.now() - startedAt }),
    );
  });
}

/** The checklist line of one check: `[FAIL] Redis  127.0.0.1:1234: connection refused`, and its fix line. */
export function checklistLine(output: string, name: string): { line: string; fix: string } {
  const lines = output.split('\n');
  const index = lines.findIndex((line) =>
    new RegExp(`^\\[(ok|FAIL|skip)\\]\\s+${escapeRegExp(name)}\\s{2}`).test(line),
  );
  const next = lines[index + 1] ?? '';
  return {
    line: index === -1 ? '' : (lines[index] ?? ''),
    fix: /^\s+(fix|to enable): /.test(next) ? next.trim() : '',
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
