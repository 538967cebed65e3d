import * as z from 'zod/mini';

/**
 * The EventBridge schedule's event, as far as the probe needs it. Powertools' EventBridgeSchema would do, but it
 * imports all of zod (450 KB) into a bundle whose cold start is budgeted; zod's mini build is 12 KB.
 */
export const ScheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime(),
});
