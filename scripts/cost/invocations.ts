import { HOURS_PER_MONTH, SECONDS_PER_MONTH } from './assumptions';
import type { CostInput } from './model';
import type { FunctionInfo } from './template';

/** Invocations per month of each function: API traffic on its routes, schedules, checks and alerts. */
export function invocationsPerMonth(input: CostInput, fn: FunctionInfo): number {
  const { inventory, assumptions } = input;
  const scheduled = inventory.schedules
    .filter((schedule) => schedule.functionId === fn.logicalId)
    .reduce((sum, schedule) => sum + schedule.perMinute * 60 * HOURS_PER_MONTH, 0);
  switch (fn.functionDir) {
    case 'api':
      return assumptions.requestsPerSecond * SECONDS_PER_MONTH;
    case 'health':
      return scheduled + assumptions.healthChecksPerMinute * 60 * HOURS_PER_MONTH;
    case 'slack-notifier':
      return assumptions.alertsPerDay * (HOURS_PER_MONTH / 24);
    case 'alert-evaluator':
      return scheduled || SECONDS_PER_MONTH / assumptions.evaluationIntervalSeconds;
    case 'metrics-exporter':
      return assumptions.metricsScrapesPerMinute * 60 * HOURS_PER_MONTH;
    default:
      return scheduled;
  }
}
