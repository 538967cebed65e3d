-- What the alert evaluator cannot represent, the database refuses (issue 17), and the outbox gets its bounds.

-- Thresholds: NaN = NaN is true in Postgres, so the old CHECK (threshold = threshold) let NaN through; nor did
-- it refuse ±Infinity. A rule that already holds one cannot be repaired by guessing a number: the check is
-- then added NOT VALID (it still refuses every new or changed value), and the rule is in ERROR naming its
-- threshold until someone fixes it.
ALTER TABLE alert_rules DROP CONSTRAINT IF EXISTS alert_rules_threshold_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_threshold_finite
  CHECK (threshold <> 'NaN' AND threshold <> 'Infinity' AND threshold <> '-Infinity') NOT VALID;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM alert_rules WHERE threshold IN ('NaN', 'Infinity', '-Infinity')) THEN
    ALTER TABLE alert_rules VALIDATE CONSTRAINT alert_rules_threshold_finite;
  END IF;
END $$;

-- Channels are distinct values of a closed set (ALERT_CHANNELS in lambdas/shared/alert-message.ts; a test
-- checks both): a channel listed twice is the same channel, so existing rows keep each once.
UPDATE alert_rules r
   SET notification_channels = (SELECT jsonb_agg(DISTINCT c ORDER BY c) FROM jsonb_array_elements(r.notification_channels) AS c)
 WHERE jsonb_array_length(notification_channels) >
       (SELECT count(DISTINCT c) FROM jsonb_array_elements(r.notification_channels) AS c);
ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_notification_channels_check;
ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_notification_channels_check
  CHECK (notification_channels IN ('["slack"]', '["email"]', '["slack", "email"]', '["email", "slack"]'));

-- The state table holds only timestamps JavaScript can hold (pg reads infinity as the number Infinity, and a
-- year beyond 275760 as an Invalid Date): finite, within years 1 to 9999. A row that is not is reset to the
-- time of this migration, which at worst repeats one reminder or restarts one keep-firing wait.
UPDATE alert_rule_state
   SET state_since = CASE WHEN isfinite(state_since) AND state_since BETWEEN '0001-01-01' AND '9999-12-31' THEN state_since ELSE now() END,
       last_evaluated_at = CASE WHEN isfinite(last_evaluated_at) AND last_evaluated_at BETWEEN '0001-01-01' AND '9999-12-31' THEN last_evaluated_at ELSE now() END,
       episode_started_at = CASE WHEN isfinite(episode_started_at) AND episode_started_at BETWEEN '0001-01-01' AND '9999-12-31' THEN episode_started_at ELSE now() END,
       last_notified_at = CASE WHEN isfinite(last_notified_at) AND last_notified_at BETWEEN '0001-01-01' AND '9999-12-31' THEN last_notified_at ELSE now() END,
       clear_since = CASE WHEN isfinite(clear_since) AND clear_since BETWEEN '0001-01-01' AND '9999-12-31' THEN clear_since ELSE now() END,
       error_since = CASE WHEN isfinite(error_since) AND error_since BETWEEN '0001-01-01' AND '9999-12-31' THEN error_since ELSE now() END,
       last_value = CASE WHEN last_value IN ('NaN', 'Infinity', '-Infinity') THEN NULL ELSE last_value END;

CREATE FUNCTION alerting_timestamp_ok(value timestamptz) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT value IS NULL OR (isfinite(value) AND value >= '0001-01-01T00:00:00Z' AND value < '10000-01-01T00:00:00Z')
$$;

ALTER TABLE alert_rule_state
  ADD CONSTRAINT alert_rule_state_timestamps_finite CHECK (
    alerting_timestamp_ok(state_since) AND alerting_timestamp_ok(last_evaluated_at)
    AND alerting_timestamp_ok(episode_started_at) AND alerting_timestamp_ok(last_notified_at)
    AND alerting_timestamp_ok(clear_since) AND alerting_timestamp_ok(error_since)),
  ADD CONSTRAINT alert_rule_state_last_value_finite
    CHECK (last_value IS NULL OR last_value NOT IN ('NaN', 'Infinity', '-Infinity'));

-- The outbox: a notification is pending while `outcome` is NULL, and ends published, failed (SNS refused it
-- for good, or it is not an alert message), superseded (a newer message made it stale) or expired (pending
-- for 24 hours). docs/alert-rules.md ("Delivery") states the rules.
ALTER TABLE alert_notifications
  ADD COLUMN outcome text CHECK (outcome IN ('published', 'failed', 'superseded', 'expired')),
  ADD COLUMN settled_at timestamptz,
  -- A publish that timed out may have reached SNS: it is tried again only after this (backing off), so that a
  -- slow SNS costs a few duplicates, not one a minute; and its episode no longer ends silently.
  ADD COLUMN retry_after timestamptz,
  ADD COLUMN maybe_sent boolean NOT NULL DEFAULT false;
UPDATE alert_notifications SET outcome = 'published', settled_at = published_at WHERE published_at IS NOT NULL;
-- Of the backlog an outage left, each rule keeps its newest pending message of each kind.
UPDATE alert_notifications n
   SET outcome = 'superseded', settled_at = now()
 WHERE outcome IS NULL
   AND EXISTS (SELECT 1 FROM alert_notifications newer
                WHERE newer.rule_id = n.rule_id AND newer.kind = n.kind AND newer.outcome IS NULL AND newer.id > n.id);
ALTER TABLE alert_notifications
  ADD CONSTRAINT alert_notifications_settled CHECK ((outcome IS NULL) = (settled_at IS NULL)),
  ADD CONSTRAINT alert_notifications_published CHECK ((outcome IS NOT DISTINCT FROM 'published') = (published_at IS NOT NULL));

DROP INDEX alert_notifications_pending;
-- At most one pending message per rule and kind. Checked at the end of the statement, so that one statement
-- can supersede a pending message and queue its successor.
ALTER TABLE alert_notifications
  ADD CONSTRAINT alert_notifications_one_pending EXCLUDE USING btree (rule_id WITH =, kind WITH =)
  WHERE (outcome IS NULL) DEFERRABLE INITIALLY DEFERRED;
CREATE INDEX alert_notifications_settled_at ON alert_notifications (settled_at) WHERE outcome IS NOT NULL;
