import * as z from 'zod';

/**
 * The one message `npm run verify -- --stage NAME` sends through the whole alert path: the alert evaluator
 * publishes it to the alert topic, the Slack notifier posts it to the stage's alert channel and logs its SNS
 * message id, which verify looks for in the notifier's log. It is no alert: no rule, no state, Slack only.
 */
export const SELF_TEST_ALERT_TYPE = 'signupflow.self-test';

export const selfTestAlertSchema = z.object({
  type: z.literal(SELF_TEST_ALERT_TYPE),
  version: z.literal(1),
  /** Chosen by verify, shown in Slack so that a reader can match the message to the run. */
  id: z.string().regex(/^[a-z0-9-]{8,64}$/),
  service: z.string().min(1).max(100),
  stage: z.string().min(1).max(100),
  sentAt: z.iso.datetime({ offset: true }),
});

export type SelfTestAlert = z.infer<typeof selfTestAlertSchema>;

/** SNS message attributes beside it: Slack only, so the e-mail subscriptions' filter policy drops it. */
export function selfTestAlertAttributes(): Record<string, { DataType: string; StringValue: string }> {
  return {
    channels: { DataType: 'String.Array', StringValue: JSON.stringify(['slack']) },
    type: { DataType: 'String', StringValue: SELF_TEST_ALERT_TYPE },
  };
}
