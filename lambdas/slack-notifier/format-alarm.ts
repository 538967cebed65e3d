import {
  type AlarmState,
  alarmConsoleUrl,
  alarmNameFromArn,
  alarmRegion,
  type CloudWatchAlarm,
  describeTrigger,
  isCompositeAlarm,
  parseAlarmArn,
  parseCloudWatchTime,
} from './cloudwatch-alarm';
import { ALARM_LOOK, OTHER_ALARM_LOOK, slackDate, utc } from './presentation';
import {
  type Block,
  escapeMrkdwn,
  httpsUrl,
  mrkdwn,
  plain,
  type SlackMessage,
  type TextObject,
} from './slack-message';

export interface Footer {
  service: string;
  stage: string;
}

/**
 * A CloudWatch alarm (metric or composite): state colour, reason, metric and threshold in words, console link.
 * The alarm comes scrubbed; every text taken from it is escaped here, last.
 */
export function formatAlarm(alarm: CloudWatchAlarm, footer: Footer): SlackMessage {
  const look = ALARM_LOOK[alarm.NewStateValue as AlarmState] ?? {
    ...OTHER_ALARM_LOOK,
    label: alarm.NewStateValue,
  };
  const composite = isCompositeAlarm(alarm);
  const title = `${look.emoji} ${look.label}: ${alarm.AlarmName}${composite ? ' (composite)' : ''}`;
  const account = alarm.AWSAccountId ?? parseAlarmArn(alarm.AlarmArn)?.account;
  const code = alarmRegion(alarm);
  const region =
    code && alarm.Region && alarm.Region !== code
      ? `${code} (${alarm.Region})`
      : (code ?? alarm.Region ?? 'unknown region');
  const changedAt = parseCloudWatchTime(alarm.StateChangeTime);
  const consoleUrl = alarmConsoleUrl(alarm);
  const condition = composite ? (alarm.AlarmRule ?? undefined) : describeTrigger(alarm.Trigger);
  const reason = alarm.NewStateReason ?? 'No reason given.';
  const description = alarm.AlarmDescription ? splitRunbookLink(alarm.AlarmDescription) : undefined;
  const buttons = [
    ...(consoleUrl ? [{ label: 'Open in CloudWatch', url: consoleUrl, id: 'console' }] : []),
    ...(description?.runbookUrl ? [{ label: 'Runbook', url: description.runbookUrl, id: 'runbook' }] : []),
  ];

  const summary = `${title}: ${reason}`;
  const fields: TextObject[] = [
    mrkdwn(`*State*\n${escapeMrkdwn(`${alarm.OldStateValue ?? '?'} → ${alarm.NewStateValue}`)}`),
    mrkdwn(`*Time*\n${changedAt ? slackDate(changedAt) : escapeMrkdwn(alarm.StateChangeTime ?? 'unknown')}`),
    ...(account ? [mrkdwn(`*Account*\n${escapeMrkdwn(account)}`)] : []),
    mrkdwn(`*Region*\n${escapeMrkdwn(region)}`),
  ];

  const blocks: Block[] = [
    ...(description?.text
      ? [{ type: 'section' as const, text: mrkdwn(escapeMrkdwn(description.text)) }]
      : []),
    { type: 'section', text: mrkdwn(`*Reason*\n${escapeMrkdwn(reason)}`) },
    ...(condition
      ? [
          {
            type: 'section' as const,
            text: mrkdwn(`*${composite ? 'Rule' : 'Condition'}*\n${escapeMrkdwn(condition)}`),
          },
        ]
      : []),
    ...(composite && alarm.TriggeringChildren?.length
      ? [
          {
            type: 'section' as const,
            text: mrkdwn(
              `*Triggered by*\n${alarm.TriggeringChildren.map(
                (child) =>
                  `• ${escapeMrkdwn(alarmNameFromArn(child.Arn))}: ${escapeMrkdwn(child.State?.Value ?? '?')}`,
              ).join('\n')}`,
            ),
          },
        ]
      : []),
    { type: 'section', fields },
    ...(buttons.length > 0
      ? [
          {
            type: 'actions' as const,
            elements: buttons.map(({ label, url, id }) => ({
              type: 'button' as const,
              text: plain(label, 75),
              url,
              action_id: id,
            })),
          },
        ]
      : []),
    {
      type: 'context',
      elements: [
        mrkdwn(
          `${escapeMrkdwn(footer.service)} · ${escapeMrkdwn(footer.stage)} · CloudWatch alarm${changedAt ? ` · ${utc(changedAt)}` : ''}`,
        ),
      ],
    },
  ];

  return {
    // The top-level text is read as mrkdwn: a `<` would start a link.
    text: escapeMrkdwn(summary),
    blocks: [{ type: 'header', text: plain(title, 150) }],
    attachments: [{ color: look.color, fallback: summary, blocks }],
  };
}

const RUNBOOK_MARK = ' Runbook: ';

/**
 * This stack's alarm descriptions end with ` Runbook: <url>` (lib/runbook.ts): the link becomes a button and
 * the text is shown without it. Any other description is shown as it is.
 */
export function splitRunbookLink(description: string): { text: string; runbookUrl?: string } {
  const at = description.lastIndexOf(RUNBOOK_MARK);
  if (at < 0) return { text: description };
  const link = description.slice(at + RUNBOOK_MARK.length).trim();
  const runbookUrl = /\s/.test(link) ? undefined : httpsUrl(link);
  return runbookUrl ? { text: description.slice(0, at), runbookUrl } : { text: description };
}
