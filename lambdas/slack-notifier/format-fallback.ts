import { redactSecrets, scrubText } from '../shared/scrubber';
import type { Footer } from './format-alarm';
import { FALLBACK_LOOK, utc } from './presentation';
import {
  type Block,
  escapeMrkdwn,
  mrkdwn,
  plain,
  type SlackMessage,
  TRUNCATION_MARKER,
} from './slack-message';

/** At most this much of an unrecognised message is shown; a channel is not the place for a 100 KB dump. */
export const FALLBACK_MAX_CHARS = 12_000;
/** Each code block stays under the 3,000-character section limit with its fences and escaping. */
const CHUNK_CHARS = 2_500;

export interface FallbackInput {
  body: string;
  format: 'json' | 'text';
  problem?: string;
  subject?: string;
  messageId: string;
  topic: string;
  receivedAt: Date;
}

/** Any message the notifier does not recognise, shown as it came (pretty JSON or text) so that nothing is lost. */
export function formatFallback(input: FallbackInput, footer: Footer): SlackMessage {
  // The whole body (SNS allows 256 KB; scrubbing is linear), so the count of hidden characters is true:
  // scrubText would cut it at MAX_SCRUBBED_CHARACTERS first.
  const characters = Array.from(redactSecrets(input.body));
  const shown = characters.slice(0, FALLBACK_MAX_CHARS);
  const hidden = characters.length - shown.length;
  const title = `${FALLBACK_LOOK.emoji} ${scrubText(input.subject?.trim() || `Message on ${input.topic}`)}`;
  const firstLine = shown.join('').split('\n', 1)[0] ?? '';
  const summary = `${title}: ${firstLine}`;

  const chunks: Block[] = [];
  for (let start = 0; start < shown.length; start += CHUNK_CHARS) {
    const chunk = shown
      .slice(start, start + CHUNK_CHARS)
      .join('')
      .replaceAll('```', 'ʼʼʼ');
    chunks.push({ type: 'section', text: mrkdwn(`\`\`\`${escapeMrkdwn(chunk)}\`\`\``) });
  }
  if (chunks.length === 0) chunks.push({ type: 'section', text: mrkdwn('_(empty message)_') });

  const blocks: Block[] = [
    ...(input.problem
      ? [
          {
            type: 'context' as const,
            elements: [mrkdwn(`Not delivered as an alert: ${escapeMrkdwn(scrubText(input.problem))}`)],
          },
        ]
      : []),
    ...chunks,
    ...(hidden > 0
      ? [
          {
            type: 'context' as const,
            elements: [
              mrkdwn(
                `${TRUNCATION_MARKER} ${hidden.toLocaleString('en-US')} more characters not shown (${characters.length.toLocaleString('en-US')} in all).`,
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
    blocks: [{ type: 'header', text: plain(title, 150) }],
    attachments: [{ color: FALLBACK_LOOK.color, fallback: summary, blocks }],
  };
}
