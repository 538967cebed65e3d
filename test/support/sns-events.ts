import type { SNSEvent } from 'aws-lambda';

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:signupflow-test-alerts';

/** The SNS event Lambda hands the notifier for one published message, attributes as SNS delivers them. */
export function snsEventOf(
  message: string,
  messageId: string,
  attributes: Record<string, { Type: string; Value: string }> = {},
  topicArn = TOPIC_ARN,
): SNSEvent {
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${topicArn}:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
        Sns: {
          Type: 'Notification',
          MessageId: messageId,
          TopicArn: topicArn,
          Subject: 'Self-test of the alert path (test)',
          Message: message,
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem',
          UnsubscribeUrl: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: attributes,
        },
      },
    ],
  };
}
