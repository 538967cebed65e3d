import { beforeEach, describe, expect, it, vi } from 'vitest';
import { slackMessage } from '../../../lambdas/slack-notifier/notify';
import { recognise } from '../../../lambdas/slack-notifier/recognise';
import { expectWithinSlackLimits, notice } from './fixtures';

/** The characters each scrubber call was given: the notifier must cut before it scrubs. */
const scrubbed = vi.hoisted(() => ({ text: [] as number[], values: [] as number[] }));

vi.mock('../../../lambdas/shared/scrubber', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../lambdas/shared/scrubber')>();
  return {
    ...original,
    scrubText: (text: string) => {
      scrubbed.text.push(text.length);
      return original.scrubText(text);
    },
    scrub: <T>(value: T): T => {
      scrubbed.values.push(JSON.stringify(value)?.length ?? 0);
      return original.scrub(value);
    },
  };
});

const footer = { service: 'signupflow', stage: 'production' };
/** Slack shows at most 40,000 characters of a message: nothing beyond that needs scrubbing. */
const SLACK_MAX_CHARS = 40_000;
const BIG = 250_000;
const filler = 'request failed; retrying. '.repeat(BIG / 25);

function renderMessage(fixture: string, message: string) {
  const received = { ...notice(fixture), message };
  return slackMessage(recognise(message), received, footer).message;
}

describe('the work of scrubbing a 256 KB message', () => {
  beforeEach(() => {
    scrubbed.text.length = 0;
    scrubbed.values.length = 0;
  });

  it.each([
    ['plain text', 'plain-text', () => filler],
    ['JSON of an unknown shape', 'unknown-json', () => JSON.stringify({ log: filler })],
    [
      'a CloudWatch alarm',
      'cloudwatch-alarm',
      () => JSON.stringify({ AlarmName: 'api-errors', NewStateValue: 'ALARM', NewStateReason: filler }),
    ],
    [
      'an alert',
      'evaluator-critical-firing',
      () => {
        const alert = JSON.parse(notice('evaluator-critical-firing').message);
        return JSON.stringify({ ...alert, metric: filler });
      },
    ],
    [
      'an EventBridge event',
      'eventbridge-backup',
      () =>
        JSON.stringify({ 'detail-type': 'Backup', source: 'aws.backup', detail: { statusMessage: filler } }),
    ],
  ])('%s is cut to what Slack can show before it is scrubbed', (_kind, fixture, body) => {
    // Prepare
    const message = body();
    expect(message.length).toBeGreaterThanOrEqual(BIG);

    // Act
    const rendered = renderMessage(fixture, message);

    // Assess
    expectWithinSlackLimits(rendered);
    expect(scrubbed.text.length + scrubbed.values.length).toBeGreaterThan(0);
    for (const length of [...scrubbed.text, ...scrubbed.values]) {
      expect(length).toBeLessThanOrEqual(SLACK_MAX_CHARS + 5_000);
    }
  });
});
