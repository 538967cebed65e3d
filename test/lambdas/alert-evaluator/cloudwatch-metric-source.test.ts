import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { afterEach, describe, expect, it } from 'vitest';
import { CloudWatchMetricSource } from '../../../lambdas/alert-evaluator/cloudwatch-metric-source';
import type { Observation } from '../../../lambdas/alert-evaluator/evaluate-rule';
import {
  type Deployment,
  type RuleMetric,
  resolveMetric,
} from '../../../lambdas/alert-evaluator/metric-catalogue';
import { billedMetrics, planQueries } from '../../../lambdas/alert-evaluator/metric-plan';
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

const DEPLOYMENT: Deployment = {
  namespace: 'SignUpFlow/test',
  serviceName: 'signupflow',
  httpApiId: 'api-1',
  functionNames: {},
};

function ruleNeed(metricName: RuleMetric['metricName'], dimensions: Record<string, string> = {}) {
  const rule: RuleMetric = {
    metricName,
    dimensions,
    statistic: null,
    cloudwatchNamespace: null,
    cloudwatchMetricName: null,
  };
  return { query: resolveMetric(rule, DEPLOYMENT), periodSeconds: 60, rangePeriods: 5 };
}

/** The values a query was answered with, or its failed observation. */
function valuesOf(observations: Map<string, Observation>, key: string | undefined) {
  const observation = observations.get(key as string);
  return observation?.ok ? observation.datapoints.map((point) => point.value) : observation;
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

  it('asks each metric once per call: the request rate reads the Count the error rate divides by', async () => {
    // Prepare: one minute of 600 requests, 30 of them 5xx; a route's p99 read in seconds and in milliseconds
    const minute = new Date('2026-11-30T09:59:00Z');
    cloudwatch.put(seriesKey('AWS/ApiGateway', 'Count', { ApiId: 'api-1' }), minute, 600);
    cloudwatch.put(seriesKey('AWS/ApiGateway', '5xx', { ApiId: 'api-1' }), minute, 30);
    const route = { service: 'signupflow', endpoint: '/api/events', method: 'GET', status_code: '200' };
    cloudwatch.put(seriesKey('SignUpFlow/test', 'http_request_duration_seconds', route), minute, 0.25);
    const latencyInSeconds = {
      query: {
        kind: 'metric' as const,
        metric: {
          namespace: 'SignUpFlow/test',
          metricName: 'http_request_duration_seconds',
          dimensions: route,
          stat: 'p99',
        },
      },
      periodSeconds: 60,
      rangePeriods: 5,
    };
    const plan = planQueries([
      ruleNeed('error_rate'),
      ruleNeed('request_rate'),
      ruleNeed('latency_p99', { endpoint: '/api/events' }),
      latencyInSeconds,
    ]);
    const source = new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' }));
    // Act
    const observations = await source.fetch(plan.queries, NOW);
    // Assess: 4 distinct queries, 3 metrics asked (and billed), each answer in its own rule's unit
    expect(plan.queries).toHaveLength(4);
    expect(billedMetrics(plan.queries)).toBe(3);
    const asked = cloudwatch.requests[0]?.MetricDataQueries ?? [];
    expect(asked.filter((query) => query.MetricStat)).toHaveLength(3);
    const values = plan.keys.map((key) => valuesOf(observations, key));
    expect(values).toEqual([[5], [10], [250], [0.25]]);
  });

  it.each([
    // error_rate's 2 metrics and its expression do not fit beside 498: they open the next call
    [498, 'error_rate first', [498, 3]],
    // request_rate fills the first call with Count; error_rate asks Count again in the next, its own call
    [499, 'request_rate first', [500, 3]],
    // beside request_rate's Count, error_rate adds only 5xx and its expression: 500 exactly, one call
    [497, 'request_rate first', [500]],
  ])(
    'keeps a call at 500 queries when %i metrics come before the API rates (%s)',
    async (before, order, sizes) => {
      // Prepare: 600 requests in the last closed minute, 30 of them 5xx
      const minute = new Date('2026-11-30T09:59:00Z');
      cloudwatch.put(seriesKey('AWS/ApiGateway', 'Count', { ApiId: 'api-1' }), minute, 600);
      cloudwatch.put(seriesKey('AWS/ApiGateway', '5xx', { ApiId: 'api-1' }), minute, 30);
      const errorFirst = order === 'error_rate first';
      const rates = errorFirst
        ? [ruleNeed('error_rate'), ruleNeed('request_rate')]
        : [ruleNeed('request_rate'), ruleNeed('error_rate')];
      const plan = planQueries([
        ...Array.from({ length: before }, (_, index) => functionErrors(index)),
        ...rates,
      ]);
      const source = new CloudWatchMetricSource(new CloudWatchClient({ region: 'eu-west-1' }));
      // Act
      const observations = await source.fetch(plan.queries, NOW);
      // Assess
      expect(cloudwatch.requests.map((request) => request.MetricDataQueries?.length)).toEqual(sizes);
      const [first, second] = plan.keys.slice(before);
      const [errorRate, requestRate] = errorFirst ? [first, second] : [second, first];
      expect(valuesOf(observations, errorRate)).toEqual([5]);
      expect(valuesOf(observations, requestRate)).toEqual([10]);
    },
  );
});
