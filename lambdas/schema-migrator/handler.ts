import * as z from 'zod/mini';
import { logger } from '../shared/observability';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { withObservability } from '../shared/with-observability';

/**
 * The custom resource's event, as CDK's provider framework hands it over (`lib/schema-migration.ts`): only
 * what the migration needs. The resource stands for "this database's schema", so its id never changes.
 */
const SchemaResourceEvent = z.object({
  RequestType: z.enum(['Create', 'Update', 'Delete']),
  PhysicalResourceId: z.optional(z.string()),
});

export const SCHEMA_RESOURCE_ID = 'signupflow-schema';

/**
 * The deploy's schema step: CloudFormation creates and updates the schema resource by running the migrations
 * (a failure fails the deploy); deleting the stack leaves the schema where it is. `npm run verify` invokes it
 * with a self-test event instead.
 */
export const handler = withObservability(async (event: unknown) => {
  if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest();
  const parsed = SchemaResourceEvent.safeParse(event);
  if (!parsed.success) {
    throw new Error('Unsupported event: expected the schema custom resource (RequestType) or a self-test');
  }
  if (parsed.data.RequestType === 'Delete') {
    logger.info('The schema stays when its resource is deleted');
    return { PhysicalResourceId: parsed.data.PhysicalResourceId ?? SCHEMA_RESOURCE_ID };
  }
  const { migrateSchema } = await import('./migrate-schema');
  const summary = await migrateSchema(process.env);
  logger.info('Schema migrated', { ...summary });
  return {
    PhysicalResourceId: SCHEMA_RESOURCE_ID,
    // CloudFormation keeps at most 4 KB of data per resource: names only.
    Data: { Applied: summary.applied.join(' ') || 'none', Role: summary.role },
  };
});
