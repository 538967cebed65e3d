import * as z from 'zod';

/**
 * An EventBridge event delivered through SNS (a rule whose target is the alert topic): AWS Health, GuardDuty,
 * Backup and the like. Only `detail-type`, `source` and an object `detail` are required.
 */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

export const eventBridgeEventSchema = z.object({
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  detail: z.record(z.string(), z.unknown()),
  id: optional(z.string()),
  account: optional(z.string()),
  region: optional(z.string()),
  time: optional(z.string()),
  resources: optional(z.array(z.string())),
});

export type EventBridgeEvent = z.infer<typeof eventBridgeEventSchema>;

export function looksLikeEventBridgeEvent(record: Record<string, unknown>): boolean {
  return 'detail-type' in record && 'source' in record && 'detail' in record;
}

/** The top-level scalar fields of `detail` (strings, numbers, booleans), in their order, at most `limit`. */
export function scalarDetailFields(
  detail: Record<string, unknown>,
  limit: number,
): { fields: [string, string][]; omitted: number } {
  const fields: [string, string][] = [];
  let omitted = 0;
  for (const [name, value] of Object.entries(detail)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    if (fields.length < limit) fields.push([name, String(value)]);
    else omitted += 1;
  }
  return { fields, omitted };
}
