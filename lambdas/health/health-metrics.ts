import type { HealthReport } from './health-check';

/** Where health metrics go: the environment's `MetricAggregator` in Lambda, anything of the same shape in tests. */
export interface HealthMetricRecorder {
  add(name: string, unit: 'Count' | 'Milliseconds', value: number, dimensions: Record<string, string>): void;
}

/** 1 when the component answered, 0 when not: the alarm's Minimum per minute. */
export const HEALTHY_METRIC = 'health_check_healthy';
export const RESPONSE_TIME_METRIC = 'health_check_response_time_ms';

/** One value of each metric per component and check; the only dimension is the component (two values). */
export function recordHealthMetrics(report: HealthReport, recorder: HealthMetricRecorder): void {
  for (const result of report.components) {
    const dimensions = { component: result.component };
    recorder.add(HEALTHY_METRIC, 'Count', result.healthy ? 1 : 0, dimensions);
    recorder.add(RESPONSE_TIME_METRIC, 'Milliseconds', result.responseTimeMs, dimensions);
  }
}
