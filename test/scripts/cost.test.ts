import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_FORMAT } from '../../lib/access-log-format';
import {
  accessLogBytesOf,
  findTemplate,
  parseAssumptions,
  pricedAssumptions,
  sensitivityTable,
  settingsInTemplate,
} from '../../scripts/cost';
import { DEFAULT_ASSUMPTIONS, SECONDS_PER_MONTH } from '../../scripts/cost/assumptions';
import { alwaysFreeCredit, type FreeAllowance } from '../../scripts/cost/free-tier';
import type { Measured } from '../../scripts/cost/measured';
import { type Activity, customMetricFamilies, type MetricFamily } from '../../scripts/cost/metric-catalog';
import {
  apiLogBytesPerRequest,
  apiLogParts,
  type CostInput,
  errorPublicationsPerSecond,
  type LineItem,
  monthlyCost,
  type Prices,
  productionSuccessBytes,
  total,
} from '../../scripts/cost/model';
import prices from '../../scripts/cost/prices.json';
import { readInventory, type Template } from '../../scripts/cost/template';

/** A small stack: the API function with two routes, its log group, an access log group, two alarms, a key. */
const TEMPLATE: Template = {
  Resources: {
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    ApiRole: {
      Type: 'AWS::IAM::Role',
      Properties: { Description: 'Runs the api function of signupflow monitoring (test)' },
    },
    ApiLogs: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': ['Key', 'Arn'] } },
    },
    AccessLogs: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30, LogGroupClass: 'INFREQUENT_ACCESS' },
    },
    Api: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Role: { 'Fn::GetAtt': ['ApiRole', 'Arn'] },
        MemorySize: 1024,
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'PassThrough' },
        LoggingConfig: { LogGroup: { Ref: 'ApiLogs' }, SystemLogLevel: 'WARN' },
      },
    },
    Integration: {
      Type: 'AWS::ApiGatewayV2::Integration',
      Properties: { IntegrationUri: { 'Fn::GetAtt': ['Api', 'Arn'] } },
    },
    ListRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        RouteKey: 'GET /api/events',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
      },
    },
    ErrorRoute: {
      Type: 'AWS::ApiGatewayV2::Route',
      Properties: {
        RouteKey: 'POST /api/trigger-test-error',
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
      },
    },
    Stage: {
      Type: 'AWS::ApiGatewayV2::Stage',
      Properties: {
        AccessLogSettings: {
          DestinationArn: { 'Fn::GetAtt': ['AccessLogs', 'Arn'] },
          Format: '{"status":"$context.status"}',
        },
      },
    },
    ErrorsAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Period: 300 } },
    MathAlarm: {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: { Metrics: [{ MetricStat: {} }, { MetricStat: {} }, { Expression: 'm1/m2' }] },
    },
  },
};

/** Round figures so that each line's arithmetic can be checked by hand. */
const MEASURED: Measured = {
  source: 'test',
  successBytes: 100,
  serverErrorBytes: 1_100,
  serverErrorEmfBytes: 400,
  warmOverheadMs: 0.5,
};
const GB = 1024 ** 3;

function costOf(overrides: Partial<CostInput> = {}) {
  const inventory = readInventory(TEMPLATE);
  return monthlyCost({
    inventory,
    metricFamilies: customMetricFamilies(inventory, ['select']),
    measured: MEASURED,
    accessLogBytes: { success: 50, error: 50 },
    assumptions: { ...DEFAULT_ASSUMPTIONS, requestsPerSecond: 10, errorRate: 0.1, alertRules: 5 },
    prices: prices as Prices,
    ...overrides,
  });
}

function line(items: ReturnType<typeof monthlyCost>, pattern: RegExp) {
  const found = items.find((item) => pattern.test(`${item.service}: ${item.item}`));
  if (!found) throw new Error(`no line matches ${pattern}`);
  return found;
}

describe('the cost model', () => {
  it('reads what it needs from the template', () => {
    // Act
    const inventory = readInventory(TEMPLATE);
    // Assess
    expect(inventory.functions).toEqual([
      expect.objectContaining({
        functionDir: 'api',
        memoryMb: 1024,
        architecture: 'arm64',
        logGroupId: 'ApiLogs',
      }),
    ]);
    expect(inventory.routes).toEqual([
      { method: 'GET', path: '/api/events', functionId: 'Api' },
      { method: 'POST', path: '/api/trigger-test-error', functionId: 'Api' },
    ]);
    expect(inventory.accessLogGroupId).toBe('AccessLogs');
    expect(inventory.alarms.map((alarm) => alarm.metrics)).toEqual([1, 2]);
  });

  it('prices log ingestion and storage from the measured bytes, the class and the retention', () => {
    // Prepare: one warm environment, whose 5xx (one a second) publish their own 400 B at most every 5 s.
    const assumptions = {
      ...DEFAULT_ASSUMPTIONS,
      requestsPerSecond: 10,
      errorRate: 0.1,
      alertRules: 5,
      warmEnvironments: 1,
    };
    // Act
    const items = costOf({ assumptions });
    // Assess: 90% × 100 B + 10% × (700 B error line + 400 B EMF × publications per request).
    const requests = 10 * SECONDS_PER_MONTH;
    const perRequest = apiLogBytesPerRequest(MEASURED, assumptions);
    const published = errorPublicationsPerSecond(1, 5) / 10;
    expect(perRequest).toBeCloseTo(90 + 70 + 400 * published, 9);
    const apiGb = (requests * perRequest) / GB;
    expect(line(items, /ingestion: logs of api/).monthlyUsd).toBeCloseTo(apiGb * 0.5, 6);
    // Stored: 30 days of the daily volume, compressed to 15%.
    expect(line(items, /storage: logs of api/).monthlyUsd).toBeCloseTo(
      (apiGb / (730 / 24)) * 30 * 0.15 * 0.03,
      6,
    );
    // The access log group is Infrequent Access: half the ingestion price.
    expect(line(items, /ingestion: API access logs/).monthlyUsd).toBeCloseTo(
      ((requests * 50) / GB) * 0.25,
      6,
    );
  });

  it('prices a Standard access log group at the full ingestion price', () => {
    // Prepare
    const standard = structuredClone(TEMPLATE);
    const accessLogs: Record<string, unknown> = standard.Resources?.AccessLogs?.Properties ?? {};
    delete accessLogs.LogGroupClass;
    const inventory = readInventory(standard);
    // Act
    const items = costOf({ inventory, metricFamilies: customMetricFamilies(inventory, ['select']) });
    // Assess
    expect(line(items, /ingestion: API access logs/).monthlyUsd).toBeCloseTo(
      ((10 * SECONDS_PER_MONTH * 50) / GB) * 0.5,
      6,
    );
  });

  it('publishes at a 5xx at most once every 5 s per environment, a held 5xx going at the end of those 5 s', () => {
    // Act + Assess: without a limit every 5xx publishes; with T s, λ = 1/s gives 1 / (T + e^-T) a second.
    expect(errorPublicationsPerSecond(1, 0)).toBe(1);
    expect(errorPublicationsPerSecond(1, 1)).toBeCloseTo(1 / (1 + Math.exp(-1)), 9);
    expect(errorPublicationsPerSecond(1, 5)).toBeCloseTo(1 / (5 + Math.exp(-5)), 9);
    expect(errorPublicationsPerSecond(100, 5)).toBeCloseTo(0.2, 6);
    expect(errorPublicationsPerSecond(0.001, 5)).toBeCloseTo(0.001, 5);
    expect(errorPublicationsPerSecond(0, 5)).toBe(0);
    // At the quick start's traffic (100 req/s, 5% 5xx, 5 environments) the 5 s limit, the default, leaves
    // about a fifth of them.
    const a = { ...DEFAULT_ASSUMPTIONS };
    const limited = apiLogBytesPerRequest(MEASURED, a);
    const unlimited = apiLogBytesPerRequest(MEASURED, a, 0);
    expect(unlimited - limited).toBeCloseTo(400 * ((5 * (1 - 1 / (5 + Math.exp(-5)))) / 100), 9);
  });

  it("prices a 2xx's duration samples as wide as they print in AWS, not as the local benchmark's zeros", () => {
    // Prepare: 2 durations per request, printed locally as `0,` and `0.001,` (8 bytes)
    const measured = {
      ...MEASURED,
      successBytes: 20,
      successDurationValues: 2,
      successDurationValueBytes: 8,
    };
    // Act
    const parts = apiLogParts(measured);
    // Assess: each is `0.012,` in AWS, 6 bytes
    expect(parts.success).toBe(20 - 8 + 2 * 6);
    expect(productionSuccessBytes({ ...measured, successDurationValueBytes: 12 })).toBe(20);
    expect(productionSuccessBytes(MEASURED)).toBe(MEASURED.successBytes);
  });

  it("splits the benchmark's figures into a 2xx, a 5xx's error line and a publication at a 5xx", () => {
    // Prepare: the mix publishes at every 5xx; each publication took 1,000 B with the minute's other series.
    const measured = { ...MEASURED, mixBytes: 0.95 * 100 + 0.05 * (700 + 1_000), mixErrorShare: 0.05 };
    // Act
    const parts = apiLogParts(measured);
    // Assess
    expect(parts.success).toBe(100);
    expect(parts.errorLine).toBe(700);
    expect(parts.publication).toBeCloseTo(1_000, 6);
  });

  it('prices a shorter error line for what it is: its bytes at the error rate', () => {
    // Prepare: the same 5xx with a 300 B error line instead of 700 B.
    const a = { ...DEFAULT_ASSUMPTIONS, errorRate: 0.05 };
    const brief = { ...MEASURED, serverErrorBytes: 700 };
    // Act
    const saved = apiLogBytesPerRequest(MEASURED, a) - apiLogBytesPerRequest(brief, a);
    // Assess
    expect(saved).toBeCloseTo(0.05 * 400, 9);
  });

  it('counts custom metrics from routes × status codes, query types and cold starts', () => {
    // Act
    const items = costOf();
    // Assess: (GET /api/events: 3 codes + test error: 1) durations (whose SampleCount counts the requests)
    // + 1 cold start + 1 query type + 1 pool gauge; the test error's only in the 5% of hours someone tries it.
    expect(line(items, /custom metrics/)).toMatchObject({ quantity: '7 metrics (6.0 billed)' });
    expect(line(items, /custom metrics/).monthlyUsd).toBeCloseTo((6 + 0.05) * 0.3, 6);
  });

  it("counts the evaluator's failure metrics only in the hours a run fails: a clean run writes none", () => {
    // Prepare: the stack with an alert evaluator
    const inventory = readInventory(TEMPLATE);
    const evaluator = { ...inventory.functions[0], logicalId: 'Evaluator', functionDir: 'alert-evaluator' };
    const withEvaluator = {
      ...inventory,
      functions: [...inventory.functions, evaluator],
    } as typeof inventory;
    // Act
    const families = customMetricFamilies(withEvaluator, []);
    // Assess
    const activityOf = (name: string) => families.find((family) => family.name === name)?.series;
    expect(activityOf('alert_evaluation_duration_seconds')).toEqual([{ kind: 'always' }]);
    expect(activityOf('alert_rules_firing')).toEqual([{ kind: 'always' }]);
    expect(activityOf('alert_rules_in_error')).toEqual([{ kind: 'rare' }]);
    expect(activityOf('alert_notifications_failed')).toEqual([{ kind: 'rare' }]);
  });

  it('prices alarms per metric, GetMetricData per metric requested, the key and the traces', () => {
    // Act
    const items = costOf();
    // Assess
    expect(line(items, /alarms/).monthlyUsd).toBeCloseTo(3 * 0.1, 6);
    // 5 typical rules: error_rate twice (one query, 2 metrics), 2 latency queries, and the request rate,
    // which reads error_rate's Count: 4 metrics, once a minute for 730 hours, at $0.01 per 1,000 metrics.
    expect(line(items, /alert evaluator/)).toMatchObject({
      item: 'alert evaluator: 5 rules, 4 distinct queries, 4 metrics every 60 s',
    });
    expect(line(items, /alert evaluator/).monthlyUsd).toBeCloseTo((4 * 43_800 * 0.01) / 1_000, 6);
    // One key; one encrypted log group asks KMS 12 times an hour.
    expect(line(items, /KMS/).monthlyUsd).toBeCloseTo(1 + ((12 * 730) / 10_000) * 0.03, 6);
    // PassThrough tracing records no traces of its own.
    expect(line(items, /X-Ray/).monthlyUsd).toBe(0);
  });

  it('prices the metrics export from the series it requests every fifth minute, and /metrics scrapes not at all', () => {
    // Act
    const items = costOf();
    // Assess: requests and latency Sum of GET /api/events' 3 statuses, listed every time, and of the test
    // error's 500, listed when a person tried it in the last 3 hours (1 - 0.95³); p50/p90/p99 of the 200;
    // two health components and the dead-letter queue; but the 200's p99, which a rule reads in the same
    // run. 8,760 exports a month at $0.01 per 1,000 metrics.
    const exported = 2 * (3 + (1 - 0.95 ** 3)) + 3 + 2 + 1 - 1;
    expect(line(items, /metrics export for/).monthlyUsd).toBeCloseTo((exported * 8_760 * 0.01) / 1_000, 6);
    expect(line(items, /ListMetrics/).monthlyUsd).toBeCloseTo((8_760 * 0.01) / 1_000, 6);
    expect(items.filter((item) => /scrapes a minute ×/.test(item.item))).toEqual([]);
  });

  it('prices the export at the rhythm the runs give it: every 8 minutes with a run every 4', () => {
    // Act
    const items = costOf({
      assumptions: { ...DEFAULT_ASSUMPTIONS, evaluationIntervalSeconds: 240, metricsExportEveryMinutes: 5 },
    });
    // Assess: 730 hours × 60 / 8 exports, one ListMetrics call each
    expect(line(items, /ListMetrics/).monthlyUsd).toBeCloseTo(((730 * 60) / 8 / 1_000) * 0.01, 9);
  });

  it('prices KMS requests in the hours each encrypted log group, topic and queue is used', () => {
    // Prepare: besides the API's busy log group, an encrypted one of a function never invoked, a topic with
    // one alert an hour and a dead-letter queue
    const inventory = readInventory(TEMPLATE);
    const idle = {
      ...inventory.functions[0],
      logicalId: 'Exporter',
      functionDir: 'metrics-exporter',
      logGroupId: 'ExporterLogs',
    };
    const withIdle = {
      ...inventory,
      functions: [...inventory.functions, idle],
      logGroups: [
        ...inventory.logGroups,
        { logicalId: 'ExporterLogs', retentionDays: 30, infrequentAccess: false, encrypted: true },
      ],
      topics: 1,
      queues: 1,
    } as typeof inventory;
    // Act
    const items = costOf({
      inventory: withIdle,
      assumptions: { ...DEFAULT_ASSUMPTIONS, requestsPerSecond: 10, alertsPerDay: 24 },
    });
    // Assess: the API's group every hour (12 requests each); the idle group none; the topic once per
    // publish (730), fewer than 12 in each hour with one; the queue in the 5% of hours a message fails
    const requests = 730 * 12 + 730 + 0.05 * 730 * 12;
    expect(line(items, /KMS/)).toMatchObject({ quantity: `${Math.round(requests)} requests` });
    expect(line(items, /KMS/).monthlyUsd).toBeCloseTo(1 + (requests / 10_000) * 0.03, 9);
  });

  it("prices the monitoring functions' secret reads, at most one per invocation or cache period, and not the API's", () => {
    // Prepare: the stack with a secret, read by the API, the health check (every minute) and the notifier
    // (24 alerts a day)
    const inventory = readInventory(TEMPLATE);
    const health = { ...inventory.functions[0], logicalId: 'Health', functionDir: 'health' };
    const notifier = { ...inventory.functions[0], logicalId: 'Notifier', functionDir: 'slack-notifier' };
    const withReaders = { ...inventory, secrets: 1, functions: [...inventory.functions, health, notifier] };
    // Act
    const items = costOf({
      inventory: withReaders as typeof inventory,
      assumptions: { ...DEFAULT_ASSUMPTIONS, requestsPerSecond: 10, alertsPerDay: 24 },
    });
    // Assess: one secret; the warm health check reads it every 5 minutes (8,760 a month), the notifier at
    // each of its 730 invocations
    expect(line(items, /Secrets Manager/)).toMatchObject({ quantity: '9490 calls' });
    expect(line(items, /Secrets Manager/).monthlyUsd).toBeCloseTo(0.4 + (9_490 / 10_000) * 0.05, 9);
  });

  it("prices the API function's share as the wrapper's overhead only", () => {
    // Act
    const items = costOf();
    // Assess: 0.5 ms × 1 GB per request, at the arm64 GB-second price.
    const gbSeconds = 10 * SECONDS_PER_MONTH * 0.0005 * 1;
    expect(line(items, /Lambda: api/).monthlyUsd).toBeCloseTo(gbSeconds * 0.0000133334, 6);
  });

  it('samples X-Ray traces as Lambda does when tracing is active', () => {
    // Prepare: the same stack with active tracing.
    const traced = structuredClone(TEMPLATE);
    const api = traced.Resources?.Api?.Properties as Record<string, unknown>;
    api.TracingConfig = { Mode: 'Active' };
    const inventory = readInventory(traced);
    // Act
    const items = costOf({ inventory, metricFamilies: customMetricFamilies(inventory, ['select']) });
    // Assess: 1 trace a second plus 5% of the other 9 requests.
    const traces = (1 + 9 * 0.05) * SECONDS_PER_MONTH;
    expect(line(items, /X-Ray/).monthlyUsd).toBeCloseTo((traces / 1e6) * 5, 6);
  });

  it('totals the lines', () => {
    // Act
    const items = costOf();
    // Assess
    expect(total(items)).toBeCloseTo(
      items.reduce((sum, item) => sum + item.monthlyUsd, 0),
      9,
    );
    expect(total(items)).toBeGreaterThan(0);
  });

  it('bills a metric only for the hours it gets data: rare outcomes, an occasional function, idle routes', () => {
    // Prepare: the notifier's outcomes (2 routine, 7 rare), a function run 20 times a day, routes without traffic
    const inventory = readInventory(TEMPLATE);
    const notifier = { ...inventory.functions[0], logicalId: 'Notifier', functionDir: 'slack-notifier' };
    const withNotifier = { ...inventory, functions: [...inventory.functions, notifier] } as typeof inventory;
    const route = (method: string, path: string, functionDir: string, status: string): Activity => ({
      kind: 'route',
      method,
      path,
      functionDir,
      status,
    });
    const families: MetricFamily[] = [
      {
        name: 'slack_notifications_total',
        series: [
          ...Array(2).fill({ kind: 'invocations', functionDir: 'slack-notifier' }),
          ...Array(7).fill({ kind: 'rare' }),
        ],
        source: 'test',
      },
      {
        name: 'http_requests_total',
        series: [
          route('GET', '/health', 'health', '200'),
          route('GET', '/live', 'health', '200'),
          route('GET', '/metrics', 'metrics-exporter', '200'),
        ],
        source: 'test',
      },
    ];
    // Act
    const items = costOf({
      inventory: withNotifier,
      metricFamilies: families,
      assumptions: { ...DEFAULT_ASSUMPTIONS, alertsPerDay: 24 },
    });
    // Assess: one alert an hour on average is an hour with none e⁻¹ of the time; 7 outcomes in 5% of hours;
    // /health's uptime check every minute; /live only when a person checks (5%); /metrics never scraped.
    const notifying = 1 - Math.exp(-1);
    expect(line(items, /custom metrics/).monthlyUsd).toBeCloseTo(
      (2 * notifying + 7 * 0.05 + 1 + 0.05 + 0) * 0.3,
      9,
    );
  });

  it("credits AWS's always-free tier up to each allowance, and no further", () => {
    // Prepare: 2 dashboards (under the 3 free), 25 alarm metrics (over the 10 free), 8 GB of Standard logs
    const using = (allowance: FreeAllowance, amount: number): LineItem => ({
      service: 'test',
      item: allowance,
      quantity: '',
      monthlyUsd: 1,
      freeTierUse: { allowance, amount },
    });
    const items: LineItem[] = [
      using('dashboards', 2),
      using('standardAlarmMetrics', 25),
      using('standardLogGB', 6),
      using('standardLogGB', 2),
      { service: 'test', item: 'Infrequent Access logs', quantity: '', monthlyUsd: 4 },
    ];
    // Act
    const credit = alwaysFreeCredit(items, prices as Prices);
    // Assess: both dashboards, 10 alarm metrics, 5 GB across the two groups; nothing for Infrequent Access
    expect(credit).toBeCloseTo(2 * 3 + 10 * 0.1 + 5 * 0.5, 9);
  });

  it('prints totals by error rate and rules', () => {
    // Act
    const printed = sensitivityTable(({ errorRate = 0, alertRules = 0 }) => errorRate * 1_000 + alertRules);
    // Assess
    expect(printed.split('\n')).toEqual([
      expect.stringMatching(/^5xx share\s+10 rules\s+100 rules$/),
      expect.stringMatching(/^-+/),
      expect.stringMatching(/^0\.1%\s+\$11\.00\s+\$101\.00$/),
      expect.stringMatching(/^1\.0%\s+\$20\.00\s+\$110\.00$/),
      expect.stringMatching(/^5\.0%\s+\$60\.00\s+\$150\.00$/),
    ]);
  });

  it('estimates the access log line from the format in the template', () => {
    // Act
    const bytes = accessLogBytesOf('{"status":"$context.status"}');
    // Assess
    expect(bytes).toEqual({ success: '{"status":"200"}'.length, error: '{"status":"500"}'.length });
  });

  it("estimates the stack's space-separated access log line as read from a template", () => {
    // Prepare: the fixture's stage with the stack's format.
    const template = structuredClone(TEMPLATE);
    const stage = template.Resources?.Stage?.Properties as { AccessLogSettings: { Format: string } };
    stage.AccessLogSettings.Format = ACCESS_LOG_FORMAT;
    // Act
    const bytes = accessLogBytesOf(readInventory(template).accessLogFormat);
    // Assess: the format with typical values, not the length of the format string itself.
    expect(bytes).toEqual({
      success: Buffer.byteLength('JpMLRjQXIAMEb2w= 203.0.113.27 "GET /api/events" 200 31 -'),
      error: Buffer.byteLength('JpMLRjQXIAMEb2w= 203.0.113.27 "GET /api/events" 500 48 -'),
    });
  });

  it('prices no access log line for a stage without access logs', () => {
    expect(accessLogBytesOf(undefined)).toEqual({ success: 0, error: 0 });
  });

  it('takes traffic from flags and rejects nonsense', () => {
    // Act
    const { assumptions } = parseAssumptions(['--requests-per-second', '20', '--error-rate', '0.01']);
    // Assess
    expect(assumptions).toMatchObject({ requestsPerSecond: 20, errorRate: 0.01, alertRules: 10 });
    expect(() => parseAssumptions(['--error-rate', '5'])).toThrow(/share from 0 to 1/);
    expect(() => parseAssumptions(['--alert-rules', 'ten'])).toThrow(/must be a number/);
  });

  it("prices the stage's own evaluation interval and export cadence, unless a flag says otherwise", () => {
    // Prepare
    const inventory = readInventory({
      Resources: {
        EvaluatorRole: {
          Type: 'AWS::IAM::Role',
          Properties: { Description: 'Runs the alert-evaluator function of signupflow monitoring (test)' },
        },
        Evaluator: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Role: { 'Fn::GetAtt': ['EvaluatorRole', 'Arn'] },
            Environment: {
              Variables: { ALERT_EVALUATION_INTERVAL: '120', METRICS_EXPORT_EVERY_MINUTES: '10' },
            },
          },
        },
      },
    });
    // Act
    const settings = settingsInTemplate(inventory);
    const priced = pricedAssumptions(parseAssumptions(['--metrics-export-every-minutes', '1']), inventory);
    // Assess
    expect(settings).toEqual({ evaluationIntervalSeconds: 120, metricsExportEveryMinutes: 10 });
    expect(priced).toMatchObject({ evaluationIntervalSeconds: 120, metricsExportEveryMinutes: 1 });
    expect(settingsInTemplate(readInventory(TEMPLATE))).toEqual({});
    expect(() => parseAssumptions(['--metrics-export-every-minutes', '0'])).toThrow(/above 0/);
  });

  it('asks for `npm run synth` when there is no template', () => {
    // Act + Assess
    expect(() => findTemplate('/nonexistent/cdk.out')).toThrow(/npm run synth/);
  });
});
