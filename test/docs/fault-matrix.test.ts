import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPOSITORY = path.resolve(__dirname, '..', '..');
const MATRIX = readFileSync(path.join(REPOSITORY, 'docs', 'fault-matrix.md'), 'utf8');

const DEPENDENCIES = [
  'Postgres',
  'Redis',
  'CloudWatch',
  'SNS',
  "SQS (the notifier's dead-letter queue)",
  'Secrets Manager',
  'Slack',
  'Sentry',
  'InfluxDB',
  'The EventBridge schedule',
];
const FAILURES = ['Refused', 'Hangs', '5xx or throttled', 'Slow', 'Poison'];

/** The cells of each failure's row in a dependency's section, by the table's headings. */
function rowsOf(dependency: string): Map<string, Record<string, string>> {
  const start = MATRIX.indexOf(`\n## ${dependency}\n`);
  if (start < 0) throw new Error(`docs/fault-matrix.md has no section "## ${dependency}"`);
  const end = MATRIX.indexOf('\n## ', start + 1);
  const lines = MATRIX.slice(start, end < 0 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('|'));
  const cells = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const [heading = '', , ...body] = lines;
  const columns = cells(heading);
  return new Map(
    body.map((line) => {
      const row = Object.fromEntries(
        cells(line).map((cell, index) => [columns[index] ?? String(index), cell]),
      );
      return [row.Failure ?? '', row];
    }),
  );
}

/** The tests a cell names: `file` › "title", the title as the file spells it. */
function testsIn(cell: string): { file: string; title: string }[] {
  return [...cell.matchAll(/`([^`]+\.test\.ts)` › "((?:[^"\\]|\\.)*)"/g)].map((found) => ({
    file: found[1] as string,
    title: (found[2] as string).replaceAll('\\"', '"'),
  }));
}

describe('docs/fault-matrix.md', () => {
  it.each(DEPENDENCIES)('has a row for every failure of %s, and no empty cell', (dependency) => {
    const rows = rowsOf(dependency);
    expect([...rows.keys()]).toEqual(FAILURES);
    for (const [failure, row] of rows) {
      for (const column of ['What the system does', 'What tells on-call', 'What is lost', 'Test']) {
        expect(row[column], `${dependency} / ${failure} / ${column}`).toMatch(/\S/);
      }
      expect(testsIn(row.Test ?? ''), `${dependency} / ${failure}: names no test`).not.toEqual([]);
    }
  });

  it('names only tests that exist, in the files it names', () => {
    const missing: string[] = [];
    for (const dependency of DEPENDENCIES) {
      for (const row of rowsOf(dependency).values()) {
        for (const { file, title } of testsIn(row.Test ?? '')) {
          const full = path.join(REPOSITORY, file);
          if (!existsSync(full) || !readFileSync(full, 'utf8').includes(title))
            missing.push(`${file} › ${title}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
