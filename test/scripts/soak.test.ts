import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseSoakArgs, SoakUsageError, USAGE } from '../../scripts/soak/soak-arguments';

const REPOSITORY = path.resolve(__dirname, '../..');

/** `npm run soak -- ARGS` as a child process: its exit code and output. */
async function soak(args: string[], timeoutMs = 30_000) {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/soak.ts', ...args], {
    cwd: REPOSITORY,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  return run.then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe('npm run soak', () => {
  it('takes the minutes, the seed and the tick, and draws a seed when none is given', () => {
    expect(parseSoakArgs(['--minutes', '15', '--seed', '42', '--tick-ms', '1000'])).toEqual({
      minutes: 15,
      seed: 42,
      tickMs: 1_000,
    });
    const drawn = parseSoakArgs([]);
    expect(drawn).toMatchObject({ minutes: 3, tickMs: 1_500 });
    expect(Number.isInteger(drawn?.seed)).toBe(true);
  });

  it.each([
    [['--minutes', 'soon'], "--minutes: got 'soon', expected a number from 0.1 to 1440"],
    [['--seed=-1'], "--seed: got '-1', expected a number from 0 to 4294967295"],
    [['--seed', '1.5'], "--seed: got '1.5', expected a whole number"],
    [['--fast'], "Unknown option '--fast'"],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSoakArgs(argv)).toThrow(new SoakUsageError(message));
  });

  it('prints its usage on --help and -h, exits 0 and does nothing else', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout } = await soak([flag]);
      expect(code).toBe(0);
      expect(stdout.trim()).toBe(USAGE);
    }
  });

  it('exits 2 naming an unknown flag', async () => {
    const { code, stderr } = await soak(['--fast']);
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--fast'");
  });

  it('passes a short soak with faults, and says how to replay it', async () => {
    // Act: 20 ticks of 1 s
    const { code, stdout } = await soak(['--minutes', '0.34', '--seed', '7', '--tick-ms', '1000'], 120_000);
    // Assess
    expect(stdout).toContain(
      'Soak PASSED: seed 7, 0.34 min, 20 ticks (replay: npm run soak -- --minutes 0.34 --seed 7)',
    );
    const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report).toMatchObject({
      seed: 7,
      passed: true,
      checks: { losses: 0, duplicates: 0, pending: 0, staleSent: 0 },
    });
    expect(report.faultEpisodes).toBeGreaterThan(0);
    expect(code).toBe(0);
  });
});
