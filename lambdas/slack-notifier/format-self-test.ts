import type { SelfTestAlert } from '../shared/self-test-alert';
import { slackDate } from './presentation';
import { escapeMrkdwn, mrkdwn, plain, type SlackMessage } from './slack-message';

const SELF_TEST_COLOR = '#808080';

/** The test of the alert path: unmistakably not an alert, and saying what it proved. */
export function formatSelfTest(test: SelfTestAlert): SlackMessage {
  const title = `🧪 Self-test of the alert path: ${test.service} ${test.stage}`;
  const summary = `${title}. No action needed.`;
  return {
    text: escapeMrkdwn(summary),
    blocks: [{ type: 'header', text: plain(title, 150) }],
    attachments: [
      {
        color: SELF_TEST_COLOR,
        fallback: summary,
        blocks: [
          {
            type: 'section',
            text: mrkdwn(
              `\`npm run verify -- --stage ${escapeMrkdwn(test.stage)}\` sent this at ${slackDate(new Date(test.sentAt))}: it went alert evaluator → SNS → Slack notifier → Slack, so alerts can reach this channel. No action needed.`,
            ),
          },
          { type: 'context', elements: [mrkdwn(`self-test \`${escapeMrkdwn(test.id)}\``)] },
        ],
      },
    ],
  };
}
