import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStageConfig } from '../../lib/config';
import { HOURS_PER_MONTH } from '../../scripts/cost/assumptions';
import { networkCost } from '../../scripts/cost/network';
import prices from '../../scripts/cost/prices.json';
import { readInventory, type Template } from '../../scripts/cost/template';
import { type SynthesizedStack, synthesizeConfig, synthesizeStack } from '../support/synth';

const NETWORK = prices.network;

/** The network and data store lines of `npm run cost`, read from synthesized templates. */
describe('the cost of the network and the data stores', () => {
  let sandbox: SynthesizedStack;
  let endpoints: SynthesizedStack;
  let dev: SynthesizedStack;

  beforeAll(() => {
    sandbox = synthesizeStack('sandbox');
    dev = synthesizeStack('dev');
    const config = loadStageConfig('dev');
    if (config.network.source !== 'existing') throw new Error('dev names an existing network');
    endpoints = synthesizeConfig({ ...config, network: { ...config.network, egress: 'endpoints' } });
  });
  afterAll(() => {
    for (const synthesized of [sandbox, endpoints, dev]) synthesized?.cleanup();
  });

  const inventoryOf = (synthesized: SynthesizedStack) =>
    readInventory(synthesized.template.toJSON() as Template);

  it("prices the sandbox's NAT instance, Postgres and Valkey by the hour, with their storage and address", () => {
    // Act
    const items = networkCost(inventoryOf(sandbox), NETWORK, []);

    // Assess
    expect(
      items.map(({ service, item, monthlyUsd }) => ({
        service,
        item,
        monthlyUsd: Number(monthlyUsd.toFixed(2)),
      })),
    ).toEqual([
      {
        service: 'EC2',
        item: 'NAT instance t4g.nano, 8 GB gp3 root, a public IPv4 address',
        monthlyUsd: Number((HOURS_PER_MONTH * (0.0042 + 0.005) + 8 * 0.08).toFixed(2)),
      },
      {
        service: 'RDS',
        item: 'PostgreSQL db.t4g.micro, 20 GB gp3',
        monthlyUsd: Number((HOURS_PER_MONTH * 0.016 + 20 * 0.115).toFixed(2)),
      },
      {
        service: 'ElastiCache',
        item: 'valkey cache.t4g.micro × 1',
        monthlyUsd: Number((HOURS_PER_MONTH * 0.016 * 0.8).toFixed(2)),
      },
    ]);
  });

  it('prices each endpoint the stack creates per AZ-hour, and the API traffic of the VPC functions through them', () => {
    // Prepare
    const inventory = inventoryOf(endpoints);

    // Act
    const items = networkCost(inventory, NETWORK, [{ functionDir: 'alert-evaluator', invocations: 43_800 }]);

    // Assess: secretsmanager, monitoring and sns, each in the two subnets' AZs
    expect(inventory.interfaceEndpoints.map((endpoint) => endpoint.azs)).toEqual([2, 2, 2]);
    expect(items[0]).toMatchObject({ service: 'VPC', quantity: '6 endpoint-AZs' });
    expect(items[0]?.monthlyUsd).toBeCloseTo(6 * HOURS_PER_MONTH * 0.01, 6);
    expect(items[1]?.item).toBe('endpoint data processed (AWS API calls of the VPC functions)');
    expect(items[1]?.monthlyUsd).toBeCloseTo(((43_800 * 18_000) / 1024 ** 3) * 0.01, 6);
    expect(items.filter((item) => /NAT/.test(item.item))).toEqual([]);
  });

  it("prices only the data through a NAT the VPC already has: its hours are the VPC owner's", () => {
    // Act
    const items = networkCost(inventoryOf(dev), NETWORK, [
      { functionDir: 'alert-evaluator', invocations: 43_800 },
    ]);

    // Assess
    expect(items).toEqual([
      expect.objectContaining({
        item: "NAT data processed (AWS API calls of the VPC functions): the VPC's own NAT",
      }),
    ]);
    expect(items[0]?.monthlyUsd).toBeCloseTo(((43_800 * 18_000) / 1024 ** 3) * 0.045, 6);
  });

  it("counts the functions the evaluator watches, not the schema migrator or CDK's provider framework", () => {
    // Act
    const inventory = inventoryOf(dev);

    // Assess
    expect(inventory.functions.length).toBe(7);
    expect(inventory.monitoredFunctions).toEqual(['api', 'health', 'slack-notifier', 'metrics-exporter']);
  });

  it('refuses to price an instance type it has no price for, naming where prices live', () => {
    // Prepare
    const inventory = {
      ...inventoryOf(sandbox),
      databases: [{ instanceClass: 'db.r7g.large', storageGb: 20, storageType: 'gp3', multiAz: false }],
    };

    // Act
    const price = () => networkCost(inventory, NETWORK, []);

    // Assess
    expect(price).toThrow(
      /No price for db\.r7g\.large in scripts\/cost\/prices\.json \(network\.rdsPostgresInstancePerHour\)/,
    );
  });
});
