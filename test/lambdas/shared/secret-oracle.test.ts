import { lintSource } from '@secretlint/core';
import { creator as recommended } from '@secretlint/secretlint-rule-preset-recommend';
import { beforeAll, describe, expect, it } from 'vitest';
import { scrubReplacer } from '../../../lambdas/shared/scrubber';
import type { SnsNotice } from '../../../lambdas/slack-notifier/notify';
import { secretCorpus } from '../../support/secret-corpus';
import { notice, renderNotice } from '../slack-notifier/fixtures';

/**
 * An independent judge: secretlint's recommended rules (a maintained scanner, not ours) look at everything the
 * notifier would post to Slack and every log line the functions would write, for messages carrying secrets of
 * every family of the corpus. It must find nothing there, while it does find secrets in what went in.
 */
async function findings(content: string): Promise<{ ruleId: string; excerpt: string }[]> {
  const result = await lintSource({
    source: { filePath: '/virtual/output.txt', content, ext: '.txt', contentType: 'text' },
    options: {
      config: {
        rules: [
          {
            id: '@secretlint/secretlint-rule-preset-recommend',
            rule: recommended,
            // Access key ids too, not only secret access keys.
            rules: [{ id: '@secretlint/secretlint-rule-aws', options: { enableIDScanRule: true } }],
          },
        ],
      },
    },
  });
  return result.messages.map(({ ruleId, range }) => ({
    ruleId,
    excerpt: content.slice(Math.max(0, range[0] - 40), range[1] + 40),
  }));
}

const alert = notice('evaluator-critical-firing');
const alarm = notice('cloudwatch-alarm');
const event = notice('eventbridge-backup');

/** The SNS messages a text can arrive in: an alert, an alarm, an EventBridge event, plain text, unknown JSON. */
const CARRIERS: ((text: string) => SnsNotice)[] = [
  (text) => ({ ...alert, message: JSON.stringify({ ...JSON.parse(alert.message), description: text }) }),
  (text) => ({
    ...alarm,
    message: JSON.stringify({ ...JSON.parse(alarm.message), AlarmDescription: text, NewStateReason: text }),
  }),
  (text) => {
    const parsed = JSON.parse(event.message);
    return {
      ...event,
      message: JSON.stringify({ ...parsed, detail: { ...parsed.detail, statusMessage: text } }),
    };
  },
  (text) => ({ ...alert, subject: 'Deploy notice', message: text }),
  (text) => ({ ...alert, subject: undefined, message: JSON.stringify({ log: text, level: 'ERROR' }) }),
];

describe('an independent secret scanner on what would be posted and logged', () => {
  const corpus = secretCorpus();
  let received: string;
  let posted: string;
  let logged: string;

  beforeAll(() => {
    const notices = corpus.map(({ text }, index) =>
      (CARRIERS[index % CARRIERS.length] as (t: string) => SnsNotice)(text),
    );
    received = notices.map((n) => n.message).join('\n');
    posted = notices.map((n) => JSON.stringify(renderNotice(n).message)).join('\n');
    // Logger's jsonReplacerFn is scrubReplacer: a log line is the document serialised through it.
    logged = corpus
      .map(({ text }) =>
        JSON.stringify(
          { level: 'ERROR', message: `Slack answered: ${text}`, error: { message: text } },
          scrubReplacer,
        ),
      )
      .join('\n');
  });

  it('finds secrets of many kinds in the messages as they arrive', async () => {
    // Act
    const found = await findings(received);

    // Assess: the scanner does see what the scrubber is asked to remove.
    expect(new Set(found.map(({ ruleId }) => ruleId)).size).toBeGreaterThanOrEqual(20);
    expect(found.length).toBeGreaterThan(100);
  });

  it('finds nothing in what the notifier would post to Slack', async () => {
    expect(await findings(posted)).toEqual([]);
  });

  it('finds nothing in the log lines', async () => {
    expect(await findings(logged)).toEqual([]);
  });
});
