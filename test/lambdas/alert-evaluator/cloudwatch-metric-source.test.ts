import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricSource } from '../../../lambdas/alert-evaluator/cloudwatch-metric-source';
import { planQueries } from '../../../lambdas/alert-evaluator/metric-plan';
import { CloudWatchStandIn, seriesKey } from './cloudwatch-stand-in';

const NOW = new Date('2026-11-30T10:00:30Z');

function functionErrors(index: number) {
  return {
    query: {
      kind: 'metric' as const,
      metric: {
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: `fn-${index}` },
        stat: 'Sum',
      },
    },
    periodSeconds: 60,
    rangePeriods: 5,
  };
}

describe('CloudWatchMetricSource', () => {
  const cloudwatch = new CloudWatchStandIn();
  afterEach(() => {
    cloudwatch.requests.length = 0;
    cloudwatch.pageSize = 10_000;
    cloudwatch.clear();
  });

  it('fetches 1,200 distinct metrics in 3 calls of at most 500 queries, each metric once', async () => {
    // Prepare: 2,400 needs, every metric wanted twice
    const needs = Array.from({ length: 2_400 }, (_, index) => functionErrors(index % 1_200));
    const plan = planQueries(needs);
    const source = new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' }));
    // Act
    const observations = await source.fetch(plan.queries, NOW);
    // Assess
    expect(plan.queries).toHaveLength(1_200);
    expect(cloudwatch.requests.map((request) => request.MetricDataQueries?.length)).toEqual([500, 500, 200]);
    expect(observations.size).toBe(1_200);
  });

  it('follows NextToken and joins the pages of each query', async () => {
    // Prepare: 3 metrics × 5 minutes, 4 datapoints a page
    for (let index = 0; index < 3; index++) {
      for (let minute = 1; minute <= 5; minute++) {
        cloudwatch.put(
          seriesKey('AWS/Lambda', 'Errors', { FunctionName: `fn-${index}` }),
          new Date(Date.parse('2026-11-30T10:00:00Z') - minute * 60_000),
          index * 10 + minute,
        );
      }
    }
    cloudwatch.pageSize = 4;
    const plan = planQueries([0, 1, 2].map(functionErrors));
    const source = new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' }));
    // Act
    const observations = await source.fetch(plan.queries, NOW);
    // Assess
    expect(source.calls).toBe(4);
    const second = observations.get(plan.keys[1] as string);
    expect(second?.ok && second.datapoints.map((point) => point.value).sort()).toEqual([11, 12, 13, 14, 15]);
  });
});
