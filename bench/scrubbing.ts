/**
 * Scrubbing time on adversarial texts of 256 KB each (runs of every key word, long alphanumeric, hex, digit
 * and `@` runs, and texts aimed at each of the scrubber's patterns), uncut (`redactSecrets`, which shows
 * the scrubber is linear) and as logs and the notifier see them (`scrubText`, cut at
 * MAX_SCRUBBED_CHARACTERS first). Before the scrubber was made linear, 256 KB of hex took 339 s and a few
 * kilobytes of a key word took seconds (issue 11).
 * Run alone: `npx tsx bench/scrubbing.ts`.
 */
import { MAX_SCRUBBED_CHARACTERS, redactSecrets, scrubText } from '../lambdas/shared/scrubber';
import { SECRETS } from '../test/fixtures/secrets';
import { ADVERSARIAL_LENGTH, adversarialTexts, runOf } from '../test/support/adversarial-text';
import { median, round } from './stats';
import { table } from './table';

export interface ScrubbingResult {
  name: string;
  characters: number;
  uncutMedianMs: number;
  uncutMaxMs: number;
  cutMedianMs: number;
}

/** Ordinary log text full of secrets, for comparison with the adversarial ones. */
function ordinaryText(): string {
  const line =
    `GET /api/events?organization_id=org-1&limit=20 by ${SECRETS.email} answered 500: ` +
    `password=${SECRETS.password} Authorization: Bearer ${SECRETS.bearerToken} ${SECRETS.slackWebhookUrl}\n`;
  return runOf(line, ADVERSARIAL_LENGTH);
}

function time(run: () => void, repeats: number): number[] {
  const samples: number[] = [];
  for (let index = 0; index < repeats; index++) {
    const started = performance.now();
    run();
    samples.push(performance.now() - started);
  }
  return samples;
}

export function benchmarkScrubbing(repeats = 5): { cutAt: number; results: ScrubbingResult[] } {
  const inputs = [{ name: 'ordinary log text with secrets', text: ordinaryText() }, ...adversarialTexts()];
  const results = inputs.map(({ name, text }) => {
    const uncut = time(() => redactSecrets(text), repeats);
    const cut = time(() => scrubText(text), repeats);
    return {
      name,
      characters: text.length,
      uncutMedianMs: round(median(uncut), 1),
      uncutMaxMs: round(Math.max(...uncut), 1),
      cutMedianMs: round(median(cut), 1),
    };
  });
  return { cutAt: MAX_SCRUBBED_CHARACTERS, results };
}

export function scrubbingReport({ cutAt, results }: ReturnType<typeof benchmarkScrubbing>): string {
  return `Scrubbing 256 KB texts (uncut: redactSecrets; cut: scrubText, which keeps ${cutAt} characters)\n${table(
    ['text', 'characters', 'uncut median ms', 'uncut max ms', 'cut median ms'],
    results.map((r) => [r.name, r.characters, r.uncutMedianMs, r.uncutMaxMs, r.cutMedianMs]),
  )}`;
}

if (require.main === module) {
  process.stdout.write(`${scrubbingReport(benchmarkScrubbing())}\n`);
}
