import { HOURS_PER_MONTH, VPC_API_BYTES_PER_INVOCATION } from './assumptions';
import type { LineItem } from './model';
import type { NetworkInventory } from './template';

export interface NetworkPrices {
  interfaceEndpointPerAzHour: number;
  interfaceEndpointPerGB: number;
  natGatewayPerHour: number;
  natGatewayPerGB: number;
  publicIpv4PerHour: number;
  ec2InstancePerHour: Record<string, number>;
  ebsGp3PerGBMonth: number;
  rdsPostgresInstancePerHour: Record<string, number>;
  rdsStoragePerGBMonth: Record<string, number>;
  elastiCacheRedisNodePerHour: Record<string, number>;
  valkeyDiscount: number;
}

const GB = 1024 ** 3;

/**
 * What the network and the data stores the stack creates cost by the hour, and the AWS API traffic of its VPC
 * functions through the route the stage gives them: the stack's endpoints, its NAT, or a NAT the VPC already
 * has (whose hours are the VPC owner's; its data processing is the monitoring's).
 */
export function networkCost(
  inventory: NetworkInventory,
  prices: NetworkPrices,
  vpcInvocations: { functionDir: string; invocations: number }[],
): LineItem[] {
  const items: LineItem[] = [];
  const add = (service: string, item: string, quantity: string, monthlyUsd: number) =>
    items.push({ service, item, quantity, monthlyUsd });

  const apiBytes = vpcInvocations.reduce(
    (sum, { functionDir, invocations }) =>
      sum + invocations * (VPC_API_BYTES_PER_INVOCATION[functionDir] ?? 0),
    0,
  );
  const endpointAzs = inventory.interfaceEndpoints.reduce((sum, endpoint) => sum + endpoint.azs, 0);
  if (inventory.interfaceEndpoints.length > 0) {
    add(
      'VPC',
      `interface endpoints: ${inventory.interfaceEndpoints.map((endpoint) => endpoint.service).join(', ')}`,
      `${endpointAzs} endpoint-AZs`,
      endpointAzs * HOURS_PER_MONTH * prices.interfaceEndpointPerAzHour,
    );
    add(
      'VPC',
      'endpoint data processed (AWS API calls of the VPC functions)',
      gb(apiBytes),
      (apiBytes / GB) * prices.interfaceEndpointPerGB,
    );
  }
  if (inventory.natGateways > 0) {
    add(
      'VPC',
      `${inventory.natGateways} NAT gateway(s)`,
      `${inventory.natGateways * HOURS_PER_MONTH} hours`,
      inventory.natGateways * HOURS_PER_MONTH * prices.natGatewayPerHour,
    );
  }
  const throughExistingNat =
    inventory.vpcFunctionIds.length > 0 &&
    inventory.interfaceEndpoints.length === 0 &&
    inventory.natGateways === 0 &&
    inventory.natInstances.length === 0;
  if (inventory.natGateways > 0 || throughExistingNat) {
    add(
      'VPC',
      `NAT data processed (AWS API calls of the VPC functions)${throughExistingNat ? ": the VPC's own NAT" : ''}`,
      gb(apiBytes),
      (apiBytes / GB) * prices.natGatewayPerGB,
    );
  }
  for (const nat of inventory.natInstances) {
    const hourly = priceOf(prices.ec2InstancePerHour, nat.instanceType, 'ec2InstancePerHour');
    add(
      'EC2',
      `NAT instance ${nat.instanceType}, ${nat.volumeGb} GB gp3 root, a public IPv4 address`,
      `${HOURS_PER_MONTH} hours`,
      HOURS_PER_MONTH * (hourly + prices.publicIpv4PerHour) + nat.volumeGb * prices.ebsGp3PerGBMonth,
    );
  }
  for (const db of inventory.databases) {
    const hourly = priceOf(prices.rdsPostgresInstancePerHour, db.instanceClass, 'rdsPostgresInstancePerHour');
    const storage = priceOf(prices.rdsStoragePerGBMonth, db.storageType, 'rdsStoragePerGBMonth');
    const copies = db.multiAz ? 2 : 1;
    add(
      'RDS',
      `PostgreSQL ${db.instanceClass}${db.multiAz ? ' Multi-AZ' : ''}, ${db.storageGb} GB ${db.storageType}`,
      `${HOURS_PER_MONTH} hours`,
      copies * (HOURS_PER_MONTH * hourly + db.storageGb * storage),
    );
  }
  for (const cache of inventory.caches) {
    const redisHourly = priceOf(
      prices.elastiCacheRedisNodePerHour,
      cache.nodeType,
      'elastiCacheRedisNodePerHour',
    );
    const hourly = cache.engine === 'valkey' ? redisHourly * (1 - prices.valkeyDiscount) : redisHourly;
    add(
      'ElastiCache',
      `${cache.engine} ${cache.nodeType} × ${cache.nodes}`,
      `${cache.nodes * HOURS_PER_MONTH} node-hours`,
      cache.nodes * HOURS_PER_MONTH * hourly,
    );
  }
  return items;
}

function priceOf(table: Record<string, number>, key: string, name: string): number {
  const price = table[key];
  if (price === undefined)
    throw new Error(`No price for ${key} in scripts/cost/prices.json (network.${name})`);
  return price;
}

function gb(bytes: number): string {
  return `${(bytes / GB).toFixed(2)} GB`;
}
