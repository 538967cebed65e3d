import { spawn } from 'node:child_process';

export interface PromtoolVerdict {
  exitCode: number | null;
  output: string;
}

/**
 * `promtool check metrics` (Debian's prometheus package; `.ci/run` installs it) on exposition text: the
 * Prometheus project's own parser and linter. Exit code 0 means valid and lint-free.
 */
export function promtoolCheckMetrics(text: string): Promise<PromtoolVerdict> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, output: Buffer.concat(chunks).toString('utf8') }));
    child.stdin.end(text);
  });
}
