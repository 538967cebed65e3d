-- docs/runbook.md became docs/MONITORING_RUNBOOK.md (the quick start's name). The seeded rule's link follows
-- it, unless someone has already pointed the rule elsewhere. Keep in step with runbookUrl('highErrorRate')
-- in lib/runbook.ts (test/migrations/runbook-links.test.ts checks both).
UPDATE alert_rules
   SET runbook_url = 'https://github.com/signupflow/monitoring/blob/main/docs/MONITORING_RUNBOOK.md#high-error-rate'
 WHERE id = 'alert_rule_high_error_rate'
   AND runbook_url = 'https://github.com/signupflow/monitoring/blob/main/docs/runbook.md#high-error-rate';
