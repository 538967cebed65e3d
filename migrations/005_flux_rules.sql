-- Rules evaluated with a Flux query against InfluxDB instead of a CloudWatch metric. Their metric_name names
-- what the query measures (shown in alerts); the catalogue's names are required only of CloudWatch rules.
ALTER TABLE alert_rules
  ADD COLUMN source text NOT NULL DEFAULT 'cloudwatch' CHECK (source IN ('cloudwatch', 'influxdb')),
  ADD COLUMN flux_query text CHECK (length(flux_query) BETWEEN 1 AND 10000);

ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_metric_name_check;
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_cloudwatch_metric_check;

ALTER TABLE alert_rules
  -- Keep in step with METRIC_NAMES in lambdas/alert-evaluator/metric-catalogue.ts (a test checks both).
  ADD CONSTRAINT alert_rules_metric_name_check CHECK (
    (source = 'cloudwatch' AND metric_name IN (
      'error_rate', 'request_rate', 'latency_p50', 'latency_p90', 'latency_p99', 'health_status',
      'function_errors', 'function_throttles', 'notifier_dead_letters', 'cloudwatch'))
    OR (source = 'influxdb' AND metric_name ~ '^[a-z][a-z0-9_]{0,99}$')),
  ADD CONSTRAINT alert_rules_cloudwatch_metric_check CHECK (
    (source = 'cloudwatch' AND metric_name = 'cloudwatch') =
    (cloudwatch_namespace IS NOT NULL AND cloudwatch_metric_name IS NOT NULL)),
  ADD CONSTRAINT alert_rules_flux_source_check CHECK ((source = 'influxdb') = (flux_query IS NOT NULL));
