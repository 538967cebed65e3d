import { Point } from '@influxdata/influxdb-client';
import type { ExportedSeries } from './export-values';

/** One rule's outcome of this run, for the `alert_rules` measurement. */
export interface RulePoint {
  ruleId: string;
  severity: string;
  firing: boolean;
  value: number | null;
}

/**
 * The InfluxDB points of the given closed minutes (`INFLUX_MEASUREMENTS` in lambdas/shared/metrics-snapshot.ts),
 * each stamped with its minute's start, so that writing a minute again replaces it instead of adding to it.
 * A minute without data for a series has no point.
 */
export function influxPoints(
  series: ExportedSeries[],
  minutes: Date[],
  rules: RulePoint[],
  ruleMinute: Date,
): Point[] {
  const points: Point[] = [];
  for (const minute of minutes) {
    const at = minute.getTime();
    const grouped = new Map<string, Point>();
    const pointFor = (measurement: string, tags: Record<string, string>) => {
      const key = `${measurement}{${JSON.stringify(tags)}}`;
      let point = grouped.get(key);
      if (!point) {
        point = new Point(measurement).timestamp(minute);
        for (const [name, value] of Object.entries(tags)) point.tag(name, value);
        grouped.set(key, point);
      }
      return point;
    };
    let delivered: number | undefined;
    for (const { use, values } of series) {
      const value = values.get(at);
      if (value === undefined) continue;
      switch (use.kind) {
        case 'requests':
          pointFor('http_requests', use.labels).intField('count', Math.round(value));
          break;
        case 'latency':
          if (use.stat === 'p50' || use.stat === 'p90' || use.stat === 'p99') {
            pointFor('http_request_duration', use.labels).floatField(`${use.stat}_ms`, value * 1_000);
          }
          break;
        case 'health':
          pointFor('health', use.labels).intField('healthy', value >= 1 ? 1 : 0);
          break;
        case 'lambda': {
          const point = pointFor('lambda', { function: use.labels.function });
          if (use.stat === 'duration_p99') point.floatField('duration_p99_ms', value);
          else point.intField(use.stat, Math.round(value));
          break;
        }
        case 'notifications':
          if (use.labels.outcome === 'delivered') delivered = (delivered ?? 0) + value;
          break;
        case 'dead_letters':
          pointFor('notifier', {}).intField('dead_letters', Math.round(value));
          break;
      }
    }
    if (delivered !== undefined) pointFor('notifier', {}).intField('delivered', Math.round(delivered));
    points.push(...grouped.values());
  }
  for (const rule of rules) {
    const point = new Point('alert_rules')
      .tag('rule_id', rule.ruleId)
      .tag('severity', rule.severity)
      .intField('firing', rule.firing ? 1 : 0)
      .timestamp(ruleMinute);
    if (rule.value !== null) point.floatField('value', rule.value);
    points.push(point);
  }
  return points;
}
