import type { Context } from 'aws-lambda';
import type { SelfTestReport } from '../shared/self-test/report';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { withObservability } from '../shared/with-observability';
import type { NotifierResult } from './sns-to-slack';

/**
 * SNS → Slack (`sns-to-slack.ts`). The formatting, zod schemas and the SQS client are evaluated at the first
 * message instead of at INIT (esbuild defers a dynamically imported module's evaluation): the same work,
 * but a cold start stays small.
 */
export const handler = withObservability(
  async (event: unknown, context: Context): Promise<NotifierResult | SelfTestReport> => {
    if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest();
    const { handleSnsEvent } = await import('./sns-to-slack');
    return handleSnsEvent(event, context);
  },
);
