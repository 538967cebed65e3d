import type { Context } from 'aws-lambda';
import { withObservability } from '../shared/with-observability';
import type { NotifierResult } from './sns-to-slack';

/**
 * SNS → Slack (`sns-to-slack.ts`). The formatting, zod schemas and the SQS client are evaluated at the first
 * message instead of at INIT (esbuild defers a dynamically imported module's evaluation): the same work,
 * but a cold start stays small.
 */
export const handler = withObservability(
  async (event: unknown, context: Context): Promise<NotifierResult> => {
    const { handleSnsEvent } = await import('./sns-to-slack');
    return handleSnsEvent(event, context);
  },
);
