import { type Metric, Registry } from 'prom-client';
import type { MetricsSnapshot, SnapshotFamily } from '../shared/metrics-snapshot';

/** Prometheus text format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/**
 * The snapshot in Prometheus text format, through prom-client's own exposition (escaping of help texts and
 * label values included). The snapshot is pre-aggregated, so each family is a collector that hands its samples
 * over as they are: prom-client's Counter or Summary would count or observe again.
 */
export function renderSnapshot(snapshot: MetricsSnapshot): Promise<string> {
  const registry = new Registry(); // Prometheus text format 0.0.4, its default
  for (const family of snapshot.families) registry.registerMetric(collectorOf(family));
  return registry.metrics();
}

function collectorOf(family: SnapshotFamily): Metric {
  const { name, help, type } = family;
  const values = family.samples.map((sample) => ({
    labels: sample.labels,
    value: sample.value,
    metricName: sample.suffix ? `${name}${sample.suffix}` : name,
  }));
  const collector = { name, help, type, get: async () => ({ name, help, type, values, aggregator: 'omit' }) };
  // What Registry.registerMetric and metrics() use of a metric: name, help, type and get().
  return collector as unknown as Metric;
}
