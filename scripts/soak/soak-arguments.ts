import { parseArgs } from 'node:util';
import { freshSeed } from './random';

export const USAGE = `Usage: npm run soak -- [--minutes N] [--seed N] [--tick-ms N]
Runs the local alert loop of \`npm start\` with rules whose metrics change at random, against stand-ins for
CloudWatch, SNS, SQS, Secrets Manager, Slack, Sentry and InfluxDB and proxies in front of Postgres and Redis,
injecting faults at random into every one of them and into the schedule. At the end it checks that every rule
transition reached Slack exactly once and in order, that nothing stale was sent, and that pending work drained,
and prints its figures. Needs the local Postgres and Redis (scripts/ensure-services.sh).
  --minutes N   how long faults are injected, in minutes of wall time (default 3)
  --seed N      the seed of the randomness (default: a new one, printed); the same seed replays the schedule
  --tick-ms N   wall milliseconds per evaluated minute (default 1500)
  -h, --help    this text`;

export class SoakUsageError extends Error {
  override name = 'SoakUsageError';
}

export interface SoakOptions {
  minutes: number;
  seed: number;
  tickMs: number;
}

/** The command's flags; `--help` is `undefined` (print usage, do nothing else), a bad flag a SoakUsageError. */
export function parseSoakArgs(argv: string[]): SoakOptions | undefined {
  let values: { minutes?: string; seed?: string; 'tick-ms'?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        minutes: { type: 'string' },
        seed: { type: 'string' },
        'tick-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new SoakUsageError((error as Error).message);
  }
  if (values.help) return undefined;
  return {
    minutes: number('--minutes', values.minutes, 3, 0.1, 24 * 60),
    seed: values.seed === undefined ? freshSeed() : wholeNumber('--seed', values.seed, 0, 4_294_967_295),
    tickMs: wholeNumber('--tick-ms', values['tick-ms'] ?? '1500', 500, 60_000),
  };
}

function number(flag: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new SoakUsageError(`${flag}: got '${raw}', expected a number from ${min} to ${max}`);
  }
  return value;
}

function wholeNumber(flag: string, raw: string, min: number, max: number): number {
  const value = number(flag, raw, min, min, max);
  if (!Number.isInteger(value)) throw new SoakUsageError(`${flag}: got '${raw}', expected a whole number`);
  return value;
}
