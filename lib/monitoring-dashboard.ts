import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { StageConfig } from './config';
import { metricsNamespace } from './observed-function';

export interface MonitoringDashboardProps {
  config: StageConfig;
  functions: { name: string; fn: lambda.IFunction }[];
  alarms: cloudwatch.IAlarm[];
}

const PERIOD = Duration.minutes(5);

/** SEARCH has no wildcard for values: the 5xx statuses the functions answer with, spelled out. */
const SERVER_ERRORS = '(status_code="500" OR status_code="502" OR status_code="503" OR status_code="504")';
/** The quick start's http_requests_total in CloudWatch: every request records its duration once. */
const REQUEST_COUNT = { metricName: 'http_request_duration_seconds', statistic: 'SampleCount' };
const FULL_WIDTH = 24;
const HALF_WIDTH = 12;

/**
 * The dashboard of the quick start's key metrics: request rate, 5xx rate and latency by route, the database,
 * the health of each dependency, alert delivery, the functions, and every alarm's state. Metrics that carry
 * per-route dimensions are drawn with SEARCH expressions, so that a new route appears without a deploy.
 */
export class MonitoringDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringDashboardProps) {
    super(scope, id);
    const { config } = props;
    const search = searchExpression(metricsNamespace(config), config.serviceName);

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${config.serviceName}-${config.stage}`,
      defaultInterval: Duration.hours(3),
    });

    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# SignUpFlow (${config.stage})\nRequests, errors and latency by route; dependencies; alert delivery. Runbook: docs/MONITORING_RUNBOOK.md.`,
        width: FULL_WIDTH,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Requests by route (per 5 min)', [
        search(
          REQUEST_COUNT.metricName,
          'endpoint,method,status_code',
          REQUEST_COUNT.statistic,
          '{endpoint} {method} {status_code}',
        ),
      ]),
      graph('5xx error rate (%)', [
        new cloudwatch.MathExpression({
          label: '5xx %',
          expression: '100 * SUM(errors) / SUM(requests)',
          usingMetrics: {
            errors: search(
              REQUEST_COUNT.metricName,
              'endpoint,method,status_code',
              REQUEST_COUNT.statistic,
              '',
              SERVER_ERRORS,
            ),
            requests: search(
              REQUEST_COUNT.metricName,
              'endpoint,method,status_code',
              REQUEST_COUNT.statistic,
              '',
            ),
          },
          period: PERIOD,
        }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Request duration p99 by route (seconds)', [
        search(
          'http_request_duration_seconds',
          'endpoint,method,status_code',
          'p99',
          '{endpoint} {status_code}',
        ),
      ]),
      graph('Database: query duration p99 by type, connections in use', [
        search('db_query_duration_seconds', 'query_type', 'p99', 'p99 {query_type}'),
        search('db_connections_active', '', 'Maximum', 'connections in use'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Dependencies healthy (1) or not (0)', [
        search('health_check_healthy', 'component', 'Minimum', '{component}'),
      ]),
      graph('Dependency response time (ms)', [
        search('health_check_response_time_ms', 'component', 'Maximum', '{component}'),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Slack notifications by outcome', [
        search('slack_notifications_total', 'outcome,kind', 'Sum', '{outcome} {kind}'),
      ]),
      graph('Slack delivery retries by cause', [
        search('slack_delivery_retries_total', 'cause', 'Sum', '{cause}'),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        'Function errors and throttles',
        props.functions.flatMap(({ name, fn }) => [
          fn.metricErrors({ period: PERIOD, label: `${name} errors` }),
          fn.metricThrottles({ period: PERIOD, label: `${name} throttles` }),
        ]),
      ),
      graph(
        'Function duration p99 (ms)',
        props.functions.map(({ name, fn }) =>
          fn.metricDuration({ period: PERIOD, statistic: cloudwatch.Stats.p(99), label: name }),
        ),
      ),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({
        title: 'Alarms',
        alarms: props.alarms,
        width: FULL_WIDTH,
        sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
      }),
    );
  }
}

function graph(title: string, left: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, width: HALF_WIDTH, height: 6, period: PERIOD });
}

/** A SEARCH over one of the project's EMF metrics: every dimension combination the code has written. */
function searchExpression(namespace: string, service: string) {
  return (metricName: string, dimensions: string, statistic: string, label: string, filter = '') => {
    const schema = ['service', ...dimensions.split(',').filter(Boolean)].join(',');
    const terms = [`MetricName="${metricName}"`, `service="${service}"`, filter].filter(Boolean).join(' ');
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${namespace},${schema}} ${terms}', '${statistic}', ${PERIOD.toSeconds()})`,
      label,
      period: PERIOD,
    });
  };
}
