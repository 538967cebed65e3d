import { describe, expect, it } from 'vitest';
import {
  type Block,
  fitToSlackLimits,
  mrkdwn,
  plain,
  type SlackMessage,
  TRUNCATION_MARKER,
  truncate,
} from '../../../lambdas/slack-notifier/slack-message';
import { expectWithinSlackLimits } from './fixtures';

const message = (blocks: Block[], attachmentBlocks: Block[] = []): SlackMessage => ({
  text: 'summary',
  blocks,
  attachments: [{ color: '#D00000', fallback: 'summary', blocks: attachmentBlocks }],
});

describe('Slack limits', () => {
  it('cuts a header to 150 characters, ending with the marker', () => {
    const fitted = fitToSlackLimits(
      message([{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(400) } }]),
    );

    const header = fitted.blocks[0];
    expect(header?.type === 'header' && Array.from(header.text.text).length).toBe(150);
    expect(header?.type === 'header' && header.text.text.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('keeps 50 blocks and says how many more there were', () => {
    const blocks: Block[] = Array.from({ length: 60 }, (_, index) => ({
      type: 'section',
      text: mrkdwn(`block ${index}`),
    }));

    const fitted = fitToSlackLimits(message([], blocks));

    const kept = fitted.attachments[0]?.blocks ?? [];
    expect(kept).toHaveLength(50);
    expect(kept.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${TRUNCATION_MARKER} 11 more blocks not shown` }],
    });
    expectWithinSlackLimits(fitted);
  });

  it('keeps 10 fields, the last one saying how many were left out', () => {
    const fields = Array.from({ length: 14 }, (_, index) => mrkdwn(`*Label ${index}*\nvalue`));

    const fitted = fitToSlackLimits(message([], [{ type: 'section', fields }]));

    const section = fitted.attachments[0]?.blocks[0];
    expect(section?.type === 'section' && section.fields?.length).toBe(10);
    expect(section?.type === 'section' && section.fields?.[9]?.text).toBe(
      `${TRUNCATION_MARKER} 5 more fields`,
    );
  });

  it('cuts section text to 3,000, fields to 2,000 and the top-level text to 40,000 characters', () => {
    const fitted = fitToSlackLimits({
      text: 'y'.repeat(50_000),
      blocks: [],
      attachments: [
        {
          color: '#808080',
          fallback: 'z'.repeat(5_000),
          blocks: [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: 'a'.repeat(5_000) },
              fields: [{ type: 'mrkdwn', text: 'b'.repeat(2_500) }],
            },
          ],
        },
      ],
    });

    expect(fitted.text).toHaveLength(40_000);
    expect(fitted.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    const section = fitted.attachments[0]?.blocks[0];
    expect(section?.type === 'section' && section.text?.text.length).toBe(3_000);
    expect(section?.type === 'section' && section.fields?.[0]?.text.length).toBe(2_000);
    expectWithinSlackLimits(fitted);
  });

  it('counts emoji as one character and never cuts an HTML entity in half', () => {
    expect(truncate('🚨'.repeat(10), 10)).toBe('🚨'.repeat(10));
    expect(truncate('abc&amp;def', 8, '…')).toBe('abc…');
    expect(plain('x'.repeat(10), 5).text).toBe('xxxxx');
  });
});
