-- The metrics export's watermarks: the end of the newest closed minute each target has, and for the /metrics
-- snapshot the running totals its counters add each minute to once. `version` makes every advance
-- conditional, so that of two overlapping evaluator runs only one adds a minute.
CREATE TABLE metrics_export_state (
  target           text PRIMARY KEY CHECK (target IN ('snapshot', 'influxdb')),
  exported_through timestamptz NOT NULL,
  totals           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(totals) = 'object'),
  last_error       text,
  version          bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
