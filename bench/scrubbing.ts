/**
 * Scrubbing time on adversarial texts of 256 KB each (runs of every key word, long alphanumeric, hex, digit
 * and `@` runs, and texts aimed at each of the scrubber's patterns), uncut (`redactSecrets`, which shows
 * the scrubber is linear) and as logs and the notifier see them (`scrubText`, cut at
 * MAX_SCRUBBED_CHARACTERS first). Before the scrubber was made linear, 256 KB of hex took 339 s and a few
 * kilobytes of a key word took seconds (issue 11).
 * The scrubber also runs on every string of every log line: the cost of one ordinary line, with and without
 * a secret in it, is measured too. And what it catches: the corpus of test/support/secret-corpus.ts, secrets
 * found and ordinary tokens wrongly redacted, by family.
 * Run alone: `npx tsx bench/scrubbing.ts`.
 */
import { MAX_SCRUBBED_CHARACTERS, redactSecrets, scrub, scrubText } from '../lambdas/shared/scrubber';
import { SECRETS } from '../test/fixtures/secrets';
import { ADVERSARIAL_LENGTH, adversarialTexts, runOf } from '../test/support/adversarial-text';
import { type CorpusFigure, measureCorpus } from '../test/support/secret-corpus';
import { median, percentile, round } from './stats';
import { table } from './table';

/** What one log line costs: the mean over many lines, in microseconds. */
export interface LineCost {
  name: string;
  lines: number;
  meanCharacters: number;
  medianMicroseconds: number;
  p99Microseconds: number;
}

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

/**
 * Lines as the functions write them: messages and the string values of a log document (ids, routes, error
 * messages); some carry a secret, most do not.
 */
function ordinaryLines(): { name: string; lines: string[] }[] {
  const plain = [
    'Delivered to Slack',
    'GET /api/events/{id} answered 200 in 12 ms',
    'arn:aws:lambda:eu-west-1:123456789012:function:SignUpFlowMonitoring-production-ApiFunctionCE271BD4-4q7TNsJ3lFGx',
    'c0a8f6d2-7b1e-4c8a-9d3f-2e6b5a4c1d0f',
    'Root=1-6748a1f0-3c2d1e0f9a8b7c6d5e4f3a2b;Parent=53995c3f42cd8ad8;Sampled=1',
    'Rule alert_rule_high_error_rate: error_rate 12.5 > 10 for 2 of 3 minutes: firing, notified slack, email',
    'connect ECONNREFUSED 127.0.0.1:5432 while checking the database; retrying in 500 ms',
    'JpMLRjQXIAMEb2w=',
  ];
  const withSecrets = [
    `Sign-up failed for ${SECRETS.email}: password=${SECRETS.password} rejected`,
    `retrying with Authorization: Bearer ${SECRETS.bearerToken}`,
    `posting to ${SECRETS.slackWebhookUrl} failed: 404 no_service`,
    `session ${SECRETS.jwt} expired`,
  ];
  return [
    { name: 'ordinary log strings', lines: plain },
    { name: 'log strings with a secret', lines: withSecrets },
  ];
}

/** Each line scrubbed `rounds` times over: the median and p99 of the per-line mean of each round. */
export function benchmarkLines(rounds = 200, perRound = 50): LineCost[] {
  return ordinaryLines().map(({ name, lines }) => {
    const samples: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const started = performance.now();
      for (let repeat = 0; repeat < perRound; repeat++) {
        for (const line of lines) scrub({ message: line });
      }
      samples.push(((performance.now() - started) * 1_000) / (perRound * lines.length));
    }
    return {
      name,
      lines: lines.length,
      meanCharacters: Math.round(lines.reduce((sum, line) => sum + line.length, 0) / lines.length),
      medianMicroseconds: round(median(samples), 2),
      p99Microseconds: round(percentile(samples, 0.99), 2),
    };
  });
}

function linesReport(costs: LineCost[]): string {
  return `Scrubbing one log string (scrub of { message }, µs per string)\n${table(
    ['strings', 'kinds', 'mean characters', 'median µs', 'p99 µs'],
    costs.map((c) => [c.name, c.lines, c.meanCharacters, c.medianMicroseconds, c.p99Microseconds]),
  )}`;
}

export function benchmarkScrubbing(repeats = 5): {
  cutAt: number;
  results: ScrubbingResult[];
  lines: LineCost[];
  corpus: Omit<CorpusFigure, 'examples'>[];
} {
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
  const corpus = measureCorpus(scrubText).map(({ examples, ...figure }) => figure);
  return { cutAt: MAX_SCRUBBED_CHARACTERS, results, lines: benchmarkLines(repeats * 40), corpus };
}

function corpusReport(corpus: Omit<CorpusFigure, 'examples'>[]): string {
  const secrets = corpus.filter((figure) => figure.kind === 'secrets');
  const ordinary = corpus.filter((figure) => figure.kind === 'ordinary');
  const sum = (figures: typeof corpus, pick: 'count' | 'total') => figures.reduce((n, f) => n + f[pick], 0);
  return `Scrubbing corpus (test/support/secret-corpus.ts): secrets found ${sum(secrets, 'count')}/${sum(secrets, 'total')}, ordinary tokens wrongly redacted ${sum(ordinary, 'count')}/${sum(ordinary, 'total')}\n${table(
    ['category', 'secrets found', 'ordinary wrongly redacted'],
    corpus.map((f) => [
      f.category,
      f.kind === 'secrets' ? `${f.count}/${f.total}` : '',
      f.kind === 'ordinary' ? `${f.count}/${f.total}` : '',
    ]),
  )}`;
}

export function scrubbingReport({
  cutAt,
  results,
  lines,
  corpus,
}: ReturnType<typeof benchmarkScrubbing>): string {
  return `${corpusReport(corpus)}\n\n${linesReport(lines)}\n\nScrubbing 256 KB texts (uncut: redactSecrets; cut: scrubText, which keeps ${cutAt} characters)\n${table(
    ['text', 'characters', 'uncut median ms', 'uncut max ms', 'cut median ms'],
    results.map((r) => [r.name, r.characters, r.uncutMedianMs, r.uncutMaxMs, r.cutMedianMs]),
  )}`;
}

if (require.main === module) {
  process.stdout.write(`${scrubbingReport(benchmarkScrubbing())}\n`);
}
