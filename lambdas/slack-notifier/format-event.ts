import { type EventBridgeEvent, scalarDetailFields } from './eventbridge-event';
import type { Footer } from './format-alarm';
import { EVENT_LOOK, slackDate, utc } from './presentation';
import {
  type Block,
  escapeMrkdwn,
  mrkdwn,
  plain,
  SLACK_LIMITS,
  type SlackMessage,
  TRUNCATION_MARKER,
} from './slack-message';

/** Resources listed by name; more are counted. */
const MAX_RESOURCES = 5;

/**
 * An EventBridge event: titled by its `detail-type`, with source, account, region, time and resources, then
 * the scalar fields of `detail`. The event comes bounded and scrubbed; every text is escaped here, last.
 */
export function formatEvent(event: EventBridgeEvent, footer: Footer): SlackMessage {
  const detailType = event['detail-type'];
  const title = `${EVENT_LOOK.emoji} ${detailType}`;
  const time = event.time ? new Date(event.time) : undefined;
  const at = time && !Number.isNaN(time.getTime()) ? time : undefined;
  const resources = event.resources ?? [];
  const { fields: detailFields, omitted } = scalarDetailFields(event.detail, SLACK_LIMITS.fields);

  const summary = `${title}: ${event.source}${event.account ? ` in ${event.account}` : ''}${event.region ? ` ${event.region}` : ''}`;
  const fields = [
    mrkdwn(`*Source*\n${escapeMrkdwn(event.source)}`),
    ...(event.account ? [mrkdwn(`*Account*\n${escapeMrkdwn(event.account)}`)] : []),
    ...(event.region ? [mrkdwn(`*Region*\n${escapeMrkdwn(event.region)}`)] : []),
    ...(event.time ? [mrkdwn(`*Time*\n${at ? slackDate(at) : escapeMrkdwn(event.time)}`)] : []),
  ];

  const blocks: Block[] = [
    { type: 'section', fields },
    ...(resources.length > 0
      ? [
          {
            type: 'section' as const,
            text: mrkdwn(
              `*Resources*\n${resources
                .slice(0, MAX_RESOURCES)
                .map((resource) => `• ${escapeMrkdwn(resource)}`)
                .join(
                  '\n',
                )}${resources.length > MAX_RESOURCES ? `\n${TRUNCATION_MARKER} ${resources.length - MAX_RESOURCES} more` : ''}`,
            ),
          },
        ]
      : []),
    ...(detailFields.length > 0
      ? [
          {
            type: 'section' as const,
            fields: detailFields.map(([name, value]) =>
              mrkdwn(`*${escapeMrkdwn(name)}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText),
            ),
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${escapeMrkdwn(footer.service)} · ${escapeMrkdwn(footer.stage)} · EventBridge event${event.id ? ` ${escapeMrkdwn(event.id)}` : ''}${omitted > 0 ? ` · ${omitted} more detail fields not shown` : ''}${at ? ` · ${utc(at)}` : ''}`,
        ),
      ],
    },
  ];

  return {
    // The top-level text is read as mrkdwn: a `<` would start a link.
    text: escapeMrkdwn(summary),
    blocks: [{ type: 'header', text: plain(title, SLACK_LIMITS.headerText) }],
    attachments: [{ color: EVENT_LOOK.color, fallback: summary, blocks }],
  };
}
