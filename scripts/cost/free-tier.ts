import type { LineItem, Prices } from './model';

/**
 * AWS's always-free tier (not the 12-month one) for what this stack uses, per account and month: CloudWatch's
 * 3 dashboards, 10 custom metrics, 10 alarm metrics and 5 GB of log data; X-Ray's 100,000 traces; KMS's
 * 20,000 requests. Lambda's, SNS's and SQS's allowances would cover the monitoring functions' few cents.
 * An account's other workloads use the same allowances, so the goal is judged without them.
 */
export const ALWAYS_FREE = {
  dashboards: { amount: 3, price: (p: Prices) => p.cloudwatchMetrics.dashboardPerMonth },
  customMetrics: { amount: 10, price: (p: Prices) => p.cloudwatchMetrics.customMetricPerMonth },
  standardAlarmMetrics: { amount: 10, price: (p: Prices) => p.cloudwatchMetrics.standardAlarmMetricPerMonth },
  standardLogGB: { amount: 5, price: (p: Prices) => p.cloudwatchLogs.ingestionStandardPerGB },
  traces: { amount: 100_000, price: (p: Prices) => p.xray.tracesRecordedPerMillion / 1e6 },
  kmsRequests: { amount: 20_000, price: (p: Prices) => p.kms.requestsPer10000 / 10_000 },
} as const;

export type FreeAllowance = keyof typeof ALWAYS_FREE;

/** What the always-free tier would take off the bill, were this stack the account's only user of it. */
export function alwaysFreeCredit(items: LineItem[], prices: Prices): number {
  return (Object.entries(ALWAYS_FREE) as [FreeAllowance, (typeof ALWAYS_FREE)[FreeAllowance]][]).reduce(
    (credit, [allowance, free]) => {
      const used = items
        .filter((item) => item.freeTierUse?.allowance === allowance)
        .reduce((sum, item) => sum + (item.freeTierUse?.amount ?? 0), 0);
      return credit + Math.min(free.amount, used) * free.price(prices);
    },
    0,
  );
}
