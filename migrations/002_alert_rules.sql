-- Alert rules as the quick start keeps them, the evaluator's state per rule, and its outbox of notifications.
-- The quick start's INSERT (id, name, metric_name, condition, threshold, severity, notification_channels)
-- works as written: every evaluation setting has a default. docs/alert-rules.md explains each column.
CREATE TABLE alert_rules (
  id                      text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_.:-]{1,100}$'),
  name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- Keep in step with METRIC_NAMES in lambdas/alert-evaluator/metric-catalogue.ts (a test checks both).
  metric_name             text NOT NULL CONSTRAINT alert_rules_metric_name_check CHECK (metric_name IN (
                            'error_rate', 'request_rate', 'latency_p50', 'latency_p90', 'latency_p99',
                            'health_status', 'function_errors', 'function_throttles', 'notifier_dead_letters',
                            'cloudwatch')),
  -- What the metric is narrowed to: {"endpoint": "/api/events"}, {"component": "redis"}, {"function": "api"};
  -- for metric_name 'cloudwatch', the metric's own dimensions.
  metric_dimensions       jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metric_dimensions) = 'object'),
  -- Only for metric_name 'cloudwatch': any CloudWatch metric, given explicitly.
  cloudwatch_namespace    text,
  cloudwatch_metric_name  text,
  condition               text NOT NULL CONSTRAINT alert_rules_condition_check
                            CHECK (condition IN ('>', '>=', '<', '<=', '==', '!=')),
  threshold               double precision NOT NULL CHECK (threshold = threshold), -- NaN is no threshold
  severity                text NOT NULL CONSTRAINT alert_rules_severity_check
                            CHECK (severity IN ('critical', 'warning', 'info')),
  notification_channels   jsonb NOT NULL DEFAULT '["slack"]'
                            CONSTRAINT alert_rules_notification_channels_check
                            CHECK (jsonb_typeof(notification_channels) = 'array'
                                   AND jsonb_array_length(notification_channels) >= 1
                                   AND notification_channels <@ '["slack", "email"]'::jsonb),
  -- Evaluation: "datapoints_to_alarm of the last evaluation_periods periods of period_seconds breach".
  period_seconds          integer NOT NULL DEFAULT 60 CHECK (period_seconds >= 60 AND period_seconds % 60 = 0
                                                             AND period_seconds <= 86400),
  -- NULL means the metric's usual statistic (Sum for counts, Average for rates, the percentile for latency).
  statistic               text CHECK (statistic ~ '^(SampleCount|Average|Sum|Minimum|Maximum|p\d{1,2}(\.\d{1,2})?)$'),
  evaluation_periods      integer NOT NULL DEFAULT 3 CHECK (evaluation_periods BETWEEN 1 AND 60),
  datapoints_to_alarm     integer NOT NULL DEFAULT 3,
  treat_missing_data      text NOT NULL DEFAULT 'missing'
                            CHECK (treat_missing_data IN ('missing', 'notBreaching', 'breaching', 'ignore')),
  keep_firing_for_seconds integer NOT NULL DEFAULT 0 CHECK (keep_firing_for_seconds BETWEEN 0 AND 86400),
  repeat_interval_seconds integer NOT NULL DEFAULT 14400 CHECK (repeat_interval_seconds >= 60),
  enabled                 boolean NOT NULL DEFAULT true,
  muted_until             timestamptz,
  description             text CHECK (length(description) <= 2000),
  runbook_url             text CHECK (runbook_url ~ '^https://[^[:space:]]+$' AND length(runbook_url) <= 2000),
  slack_channel           text CHECK (slack_channel ~ '^#[a-z0-9_-]{1,80}$'),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT alert_rules_datapoints_to_alarm_check
    CHECK (datapoints_to_alarm BETWEEN 1 AND evaluation_periods),
  CONSTRAINT alert_rules_cloudwatch_metric_check
    CHECK ((metric_name = 'cloudwatch') = (cloudwatch_namespace IS NOT NULL AND cloudwatch_metric_name IS NOT NULL))
);

CREATE FUNCTION alert_rules_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

CREATE TRIGGER alert_rules_touch BEFORE UPDATE ON alert_rules FOR EACH ROW EXECUTE FUNCTION alert_rules_touch();

-- One row per evaluated rule. `version` makes every write conditional: of two overlapping runs, only the one
-- whose read is still current writes a transition (and so only it notifies).
CREATE TABLE alert_rule_state (
  rule_id           text PRIMARY KEY REFERENCES alert_rules (id) ON DELETE CASCADE,
  state             text NOT NULL CHECK (state IN ('OK', 'PENDING', 'FIRING')),
  state_since       timestamptz NOT NULL,
  -- The firing episode: its start names it (dedup key), and on-call was told of it (FIRING sent).
  episode_started_at timestamptz,
  announced         boolean NOT NULL DEFAULT false,
  last_notified_at  timestamptz,
  -- Since when a firing rule's condition has been clear (keep_firing_for_seconds counts from here).
  clear_since       timestamptz,
  last_value        double precision,
  last_evaluated_at timestamptz NOT NULL,
  -- ERROR is orthogonal to the state: a failed query neither fires nor resolves, and clears by itself.
  error             text,
  error_since       timestamptz,
  version           bigint NOT NULL
);

-- The outbox: a notification is written in the same statement as the transition that caused it, and stays
-- pending until SNS accepted it, so that a failed publish is retried by the next run instead of lost.
CREATE TABLE alert_notifications (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id       text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('FIRING', 'RESOLVED', 'REMINDER')),
  dedup_key     text NOT NULL,
  message       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- A run owns a pending notification until this time; after it, the next run may publish it.
  claimed_until timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  last_error    text,
  published_at  timestamptz
);

CREATE INDEX alert_notifications_pending ON alert_notifications (created_at) WHERE published_at IS NULL;

-- The quick start's rule, with its own SQL.
INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity, notification_channels)
VALUES ('alert_rule_high_error_rate', 'High Error Rate', 'error_rate', '>', 10.0, 'critical', '["slack", "email"]');

UPDATE alert_rules
   SET description = 'More than 10% of API requests answered 5xx (API Gateway''s own count, so Lambda timeouts and crashes are included).',
       runbook_url = 'https://github.com/signupflow/monitoring/blob/main/docs/runbook.md#high-error-rate'
 WHERE id = 'alert_rule_high_error_rate';
