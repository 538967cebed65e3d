/**
 * The subset of Slack's message payload the notifier writes, and Slack's limits on it. Longer content is cut
 * with a visible marker: Slack rejects an oversized block with `invalid_blocks`, and a rejected alert is
 * worse than a shortened one.
 */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3_000,
  fieldText: 2_000,
  fields: 10,
  contextElements: 10,
  blocks: 50,
  messageText: 40_000,
  attachmentFallback: 1_000,
} as const;

export const TRUNCATION_MARKER = '… [truncated]';

export interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

export type Block =
  | { type: 'header'; text: TextObject & { type: 'plain_text' } }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] }
  | { type: 'divider' }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        text: TextObject & { type: 'plain_text' };
        url: string;
        action_id: string;
      }[];
    };

export interface Attachment {
  color: string;
  fallback: string;
  blocks: Block[];
}

export interface SlackMessage {
  text: string;
  blocks: Block[];
  attachments: Attachment[];
}

/** Cuts `text` to `limit` characters (code points), ending with the marker when anything was cut. */
export function truncate(text: string, limit: number, marker = TRUNCATION_MARKER): string {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  const markerLength = Array.from(marker).length;
  if (limit <= markerLength) return chars.slice(0, limit).join('');
  let kept = chars.slice(0, limit - markerLength).join('');
  // An entity such as `&amp;` cut in half would show as raw text.
  kept = kept.replace(/&[a-z]{0,4}$/, '');
  return `${kept}${marker}`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A link in mrkdwn; `|` and `>` in the label would end it early. */
/** A link as a button takes it: an https URL (a scrubbed one included), else none. */
export function httpsUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function mrkdwnLink(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replaceAll('|', '¦')}>`;
}

export const plain = (
  text: string,
  limit: number = SLACK_LIMITS.sectionText,
): TextObject & { type: 'plain_text' } => ({
  type: 'plain_text',
  text: truncate(text, limit),
  emoji: true,
});

export const mrkdwn = (text: string, limit: number = SLACK_LIMITS.sectionText): TextObject => ({
  type: 'mrkdwn',
  text: truncate(text, limit),
});

/**
 * Applies every limit to a message, whatever built it: header, section and field texts, the number of fields,
 * context elements and blocks, and the top-level text. Blocks beyond the limit are replaced by a last block
 * that says how many were left out.
 */
export function fitToSlackLimits(message: SlackMessage): SlackMessage {
  return {
    text: truncate(message.text, SLACK_LIMITS.messageText),
    blocks: fitBlocks(message.blocks),
    attachments: message.attachments.map((attachment) => ({
      color: attachment.color,
      fallback: truncate(attachment.fallback, SLACK_LIMITS.attachmentFallback),
      blocks: fitBlocks(attachment.blocks),
    })),
  };
}

function fitBlocks(blocks: Block[]): Block[] {
  const fitted = blocks.map(fitBlock);
  if (fitted.length <= SLACK_LIMITS.blocks) return fitted;
  const omitted = fitted.length - (SLACK_LIMITS.blocks - 1);
  return [
    ...fitted.slice(0, SLACK_LIMITS.blocks - 1),
    { type: 'context', elements: [mrkdwn(`${TRUNCATION_MARKER} ${omitted} more blocks not shown`)] },
  ];
}

function fitText<T extends TextObject>(text: T, limit: number): T {
  return { ...text, text: truncate(text.text, limit) };
}

function fitBlock(block: Block): Block {
  switch (block.type) {
    case 'header':
      return { ...block, text: fitText(block.text, SLACK_LIMITS.headerText) };
    case 'section': {
      const fields = block.fields?.map((field) => fitText(field, SLACK_LIMITS.fieldText));
      const kept =
        fields && fields.length > SLACK_LIMITS.fields ? fields.slice(0, SLACK_LIMITS.fields) : fields;
      if (kept && fields && kept.length < fields.length) {
        kept[SLACK_LIMITS.fields - 1] = mrkdwn(
          `${TRUNCATION_MARKER} ${fields.length - SLACK_LIMITS.fields + 1} more fields`,
        );
      }
      return {
        type: 'section',
        ...(block.text && { text: fitText(block.text, SLACK_LIMITS.sectionText) }),
        ...(kept && { fields: kept }),
      };
    }
    case 'context':
      return {
        type: 'context',
        elements: block.elements
          .slice(0, SLACK_LIMITS.contextElements)
          .map((element) => fitText(element, SLACK_LIMITS.sectionText)),
      };
    case 'actions':
      return {
        ...block,
        elements: block.elements
          .slice(0, 25)
          .map((button) => ({ ...button, text: fitText(button.text, 75) })),
      };
    default:
      return block;
  }
}
