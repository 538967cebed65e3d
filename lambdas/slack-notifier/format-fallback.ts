import { scrubText } from '../shared/scrubber';
import { cutString } from './bounded-json';
import type { Footer } from './format-alarm';
import { FALLBACK_LOOK, utc } from './presentation';
import {
  type Block,
  escapeMrkdwn,
  mrkdwn,
  plain,
  SLACK_LIMITS,
  type SlackMessage,
  TRUNCATION_MARKER,
} from './slack-message';

/** At most this much of an unrecognised message is shown, measured after escaping. */
export const FALLBACK_MAX_CHARS = 12_000;
/**
 * Only this much of the raw text is scrubbed, so that a 256 KB body costs no more than a 16 KB one. The margin
 * beyond what can be shown lets scrubbing shorten the text and still fill the message, and keeps a secret
 * that straddles the end of what is shown whole while it is scrubbed.
 */
export const FALLBACK_SCRUB_CHARS = FALLBACK_MAX_CHARS + 4_000;
/** Each code block, with its two fences, fills at most one section. */
const CHUNK_CHARS = SLACK_LIMITS.sectionText - 6;
const MAX_SUBJECT_CHARS = 200;

export interface FallbackInput {
  /** The message as received, or pretty-printed JSON; not yet scrubbed. */
  body: string;
  format: 'json' | 'text';
  subject?: string;
  messageId: string;
  topic: string;
  receivedAt: Date;
}

/**
 * Any message the notifier does not recognise, shown as it came (pretty JSON or text) so that nothing is lost:
 * cut first, then scrubbed, then escaped and laid out in code blocks measured after escaping.
 */
export function formatFallback(input: FallbackInput, footer: Footer): SlackMessage {
  const head = cutString(input.body, FALLBACK_SCRUB_CHARS, '');
  const unscrubbedRest = codePoints(input.body) - codePoints(head);
  const scrubbed = scrubText(head).replaceAll('```', 'ʼʼʼ');
  const { chunks, shown } = codeBlocks(scrubbed, FALLBACK_MAX_CHARS);
  const hidden = codePoints(scrubbed) - shown + unscrubbedRest;
  const subject = input.subject?.trim();
  const title = `${FALLBACK_LOOK.emoji} ${subject ? scrubText(cutString(subject, MAX_SUBJECT_CHARS)) : `Message on ${input.topic}`}`;
  const firstLine = scrubbed.slice(0, SLACK_LIMITS.attachmentFallback).split('\n', 1)[0] ?? '';
  const summary = `${title}: ${firstLine}`;

  const sections: Block[] = chunks.map((chunk) => ({
    type: 'section',
    text: mrkdwn(`\`\`\`${chunk}\`\`\``),
  }));
  if (sections.length === 0) sections.push({ type: 'section', text: mrkdwn('_(empty message)_') });

  const blocks: Block[] = [
    ...sections,
    ...(hidden > 0
      ? [
          {
            type: 'context' as const,
            elements: [
              mrkdwn(
                `${TRUNCATION_MARKER} ${hidden.toLocaleString('en-US')} more characters not shown (${(shown + hidden).toLocaleString('en-US')} in all).`,
              ),
            ],
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${escapeMrkdwn(footer.service)} · ${escapeMrkdwn(footer.stage)} · ${input.format === 'json' ? 'JSON' : 'text'} message ${escapeMrkdwn(input.messageId)} · ${utc(input.receivedAt)}`,
        ),
      ],
    },
  ];

  return {
    // The top-level text is read as mrkdwn: a `<` would start a link.
    text: escapeMrkdwn(summary),
    blocks: [{ type: 'header', text: plain(title, SLACK_LIMITS.headerText) }],
    attachments: [{ color: FALLBACK_LOOK.color, fallback: summary, blocks }],
  };
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * Escapes `text` and cuts it into chunks of at most CHUNK_CHARS, `budget` in all, both measured after
 * escaping; an escape such as `&amp;` is never split. `shown` counts the characters of `text` laid out.
 */
export function codeBlocks(text: string, budget: number): { chunks: string[]; shown: number } {
  const chunks: string[] = [];
  let current = '';
  let used = 0;
  let shown = 0;
  for (const char of text) {
    const escaped = ESCAPES[char] ?? char;
    if (used + escaped.length > budget) break;
    if (current.length + escaped.length > CHUNK_CHARS) {
      chunks.push(current);
      current = '';
    }
    current += escaped;
    used += escaped.length;
    shown += 1;
  }
  if (current) chunks.push(current);
  return { chunks, shown };
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
