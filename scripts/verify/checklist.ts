import type { CheckStatus } from './check';
import type { CheckOutcome } from './run-checks';

const MARKS: Record<CheckStatus, string> = { ok: '[ok]  ', failed: '[FAIL]', skipped: '[skip]' };

/**
 * The checklist as printed: one line per check (mark, name, what was found), the fix indented under each
 * failure (and under a skip, what would enable the check), and a summary line.
 *
 *   [ok]   /health        healthy: database 3 ms, redis 1 ms
 *   [FAIL] Redis          127.0.0.1:6379: connection refused
 *          fix: start Redis (bash scripts/ensure-services.sh) or point REDIS_URL at it
 */
export function formatChecklist(title: string, outcomes: readonly CheckOutcome[]): string {
  const width = Math.max(...outcomes.map((outcome) => outcome.name.length));
  const lines = [title, ''];
  for (const outcome of outcomes) {
    const detail = outcome.status === 'skipped' ? `skipped: ${outcome.detail}` : outcome.detail;
    lines.push(`${MARKS[outcome.status]} ${outcome.name.padEnd(width)}  ${detail}`);
    if (outcome.fix && outcome.status !== 'ok') {
      const label = outcome.status === 'failed' ? 'fix' : 'to enable';
      lines.push(`${' '.repeat(width + 9)}${label}: ${outcome.fix}`);
    }
  }
  const count = (status: CheckStatus) => outcomes.filter((outcome) => outcome.status === status).length;
  lines.push('', `${count('ok')} ok, ${count('failed')} failed, ${count('skipped')} skipped`);
  return lines.join('\n');
}

/** Non-zero on any failure: a skip (an integration that is not configured) is not one. */
export function exitCodeOf(outcomes: readonly CheckOutcome[]): number {
  return outcomes.some((outcome) => outcome.status === 'failed') ? 1 : 0;
}
