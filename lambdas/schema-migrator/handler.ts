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
  ResourceProperties: z.optional(
    z.object({ Release: z.optional(z.string()), MigrationsChecksum: z.optional(z.string()) }),
  ),
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
  const { RequestType, PhysicalResourceId, ResourceProperties } = parsed.data;
  if (RequestType === 'Delete') {
    logger.info('The schema stays when its resource is deleted');
    return { PhysicalResourceId: PhysicalResourceId ?? SCHEMA_RESOURCE_ID };
  }
  const { migrateSchema, migrationsDirectory, requestedRelease } = await import('./migrate-schema');
  if (RequestType === 'Update') {
    const other = requestedRelease(ResourceProperties ?? {}, process.env, migrationsDirectory(process.env));
    if (other) {
      // CloudFormation rolls the resource back before this function: the request names the release before,
      // and running this release's migrations again would fail the rollback as they failed the update.
      logger.warn(
        'A request for another release than this function carries (a rollback): the schema stays',
        other,
      );
      return {
        PhysicalResourceId: SCHEMA_RESOURCE_ID,
        Data: { Applied: 'none', Role: process.env.DATABASE_USER ?? '' },
      };
    }
  }
  const summary = await migrateSchema(process.env);
  logger.info('Schema migrated', { ...summary });
  return {
    PhysicalResourceId: SCHEMA_RESOURCE_ID,
    // CloudFormation keeps at most 4 KB of data per resource: names only.
    Data: { Applied: summary.applied.join(' ') || 'none', Role: summary.role },
  };
});
