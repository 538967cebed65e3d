import type { Stack } from 'aws-cdk-lib';
import type { StageConfig } from '../../lib/config';
import { DataStores } from '../../lib/data-stores';
import { DatabaseAccess } from '../../lib/database-access';
import { MonitoringKey } from '../../lib/monitoring-key';
import { MonitoringNetwork } from '../../lib/monitoring-network';
import { RedisAccess } from '../../lib/redis-access';

/**
 * What `SignUpFlowMonitoringStack` builds before its functions, built the same way in `stack`: the key, the
 * network, the data stores and the access to Postgres and Redis. For tests of one construct at a time.
 */
export function stackParts(stack: Stack, config: StageConfig) {
  const key = new MonitoringKey(stack, 'MonitoringKey', { config }).key;
  const network = new MonitoringNetwork(stack, 'Network', { config });
  const dataStores = new DataStores(stack, 'DataStores', { config, key, network });
  const database = new DatabaseAccess(stack, 'Database', {
    config,
    key,
    endpoint: dataStores.postgres,
    adminSecret: dataStores.adminSecret,
  });
  const redis = new RedisAccess(dataStores.redis, dataStores.redisAuth);
  return { key, network, dataStores, database, redis };
}
