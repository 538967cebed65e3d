import * as z from 'zod/mini';

/**
 * The EventBridge schedule's event, as far as the scheduled functions (the health probe, the alert evaluator)
 * need it. Powertools' EventBridgeSchema would do, but it imports all of zod (450 KB) into bundles whose cold
 * start is budgeted; zod's mini build is 12 KB.
 */
export const ScheduledEventSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: z.iso.datetime(),
});
