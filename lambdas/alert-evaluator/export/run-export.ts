import type { Point } from '@influxdata/influxdb-client';
import { snapshotKey } from '../../shared/metrics-snapshot';
import type { Observation } from '../evaluate-rule';
import { minutesToExport } from './export-minutes';
import type { ExportQuery } from './export-set';
import type { ExportState, ExportStateStore } from './export-state-store';
import { addMinutes, buildSnapshot, exportedSeries } from './export-values';
import { influxPoints, type RulePoint } from './influx-points';
import type { PointWriter } from './influx-writer';
import type { SnapshotWriter } from './snapshot-writer';

/** Closed minutes the /metrics counters catch up after missed runs; older ones are skipped and reported. */
export const SNAPSHOT_BACKLOG_MINUTES = 60;
/** Closed minutes InfluxDB catches up after an outage (each run writes at most this many). */
export const INFLUX_BACKLOG_MINUTES = 180;

export interface ExportDependencies {
  store: ExportStateStore;
  snapshots: SnapshotWriter;
  /** Absent when InfluxDB is not configured. */
  influx?: PointWriter;
  serviceName: string;
  stage: string;
  /**
   * Export once this many closed minutes are pending, every minute of them at one-minute resolution:
   * GetMetricData bills per metric and call, not per datapoint, so every 5 minutes costs a fifth of every
   * minute, and /metrics and InfluxDB are at most that much behind. The snapshot says so
   * (`refreshSeconds`), and /metrics calls it stale only past that and a grace.
   */
  everyMinutes: number;
  /** ALERT_EVALUATION_INTERVAL: an export happens only on a run, so runs set its real rhythm. */
  evaluationIntervalSeconds?: number;
  report: (message: string, details: Record<string, unknown>) => void;
}

export interface ExportSummary {
  snapshotMinutes: number;
  snapshotWritten: boolean;
  influxMinutes: number;
  influxWritten: boolean;
  /** Export queries CloudWatch did not answer: their minutes are not counted this run. */
  failedQueries: number;
}

/**
 * How often an export actually happens: at the first run once `everyMinutes` closed minutes are pending, so
 * every 5 minutes with a run a minute, but every 8 with a run every 4 minutes.
 */
export function exportIntervalSeconds(everyMinutes: number, evaluationIntervalSeconds = 60): number {
  const interval = Math.max(1, evaluationIntervalSeconds);
  return Math.ceil((everyMinutes * 60) / interval) * interval;
}

/** Whether this run exports: enough closed minutes are pending, or the export never ran. */
export function exportDue(state: ExportState, periodEnd: Date, everyMinutes: number): boolean {
  const { exportedThrough } = state.targets.snapshot;
  if (!exportedThrough) return true;
  return minutesToExport(exportedThrough, periodEnd, SNAPSHOT_BACKLOG_MINUTES).minutes.length >= everyMinutes;
}

/** How many periods back the export's queries must reach for both targets to catch up. */
export function exportRangeMinutes(state: ExportState, periodEnd: Date, influxConfigured: boolean): number {
  const snapshot = minutesToExport(
    state.targets.snapshot.exportedThrough,
    periodEnd,
    SNAPSHOT_BACKLOG_MINUTES,
  );
  const influx = influxConfigured
    ? minutesToExport(state.targets.influxdb.exportedThrough, periodEnd, INFLUX_BACKLOG_MINUTES)
    : { minutes: [] };
  return Math.max(1, snapshot.minutes.length, influx.minutes.length);
}

/**
 * The export half of a run: adds each closed minute the snapshot has not had to its counters once (only
 * the run whose read is still current advances the watermark, so overlapping runs count nothing twice),
 * writes the snapshot for /metrics, and writes the minutes InfluxDB has not had. Neither target's failure
 * touches the other or the rules; InfluxDB's failure is reported once and its minutes wait for a later run.
 */
export async function runExport(
  deps: ExportDependencies,
  input: {
    state: ExportState;
    queries: ExportQuery[];
    observationOf: (query: ExportQuery) => Observation | undefined;
    periodEnd: Date;
    now: Date;
    rules: RulePoint[];
    evaluationSeconds: number;
  },
): Promise<ExportSummary> {
  const { state, periodEnd } = input;
  const { series, failed } = exportedSeries(input.queries, input.observationOf);

  // A query that failed would count its minutes as zero: hold the watermark back until all answered.
  const snapshotState = state.targets.snapshot;
  const snapshot = minutesToExport(snapshotState.exportedThrough, periodEnd, SNAPSHOT_BACKLOG_MINUTES);
  if (snapshot.skipped > 0) {
    deps.report('Metrics export skipped minutes older than its backlog', { skipped: snapshot.skipped });
  }
  const counted = failed === 0 ? snapshot.minutes : [];
  const totals = addMinutes(snapshotState.totals, series, counted);
  const exportedThrough = counted.length > 0 ? periodEnd : (snapshotState.exportedThrough ?? periodEnd);
  const advanced = await deps.store.advance('snapshot', snapshotState, {
    exportedThrough,
    totals,
    lastError: null,
  });
  let snapshotWritten = false;
  if (advanced) {
    const body = buildSnapshot({
      totals,
      series,
      exportedThrough,
      generatedAt: input.now,
      refreshSeconds: exportIntervalSeconds(deps.everyMinutes, deps.evaluationIntervalSeconds),
      evaluationSeconds: input.evaluationSeconds,
      pendingNotifications: state.pendingNotifications,
    });
    try {
      await deps.snapshots.write(snapshotKey(deps.serviceName, deps.stage), body);
      snapshotWritten = true;
    } catch (error) {
      deps.report('The /metrics snapshot was not written to Redis', { reason: (error as Error).message });
    }
  }

  let influxMinutes = 0;
  let influxWritten = false;
  if (deps.influx && failed === 0) {
    const influxState = state.targets.influxdb;
    const influx = minutesToExport(influxState.exportedThrough, periodEnd, INFLUX_BACKLOG_MINUTES);
    influxMinutes = influx.minutes.length;
    const ruleMinute = new Date(periodEnd.getTime() - 60_000);
    const points: Point[] = influxPoints(series, influx.minutes, input.rules, ruleMinute);
    try {
      await deps.influx.write(points);
      influxWritten = true;
      await deps.store.advance('influxdb', influxState, {
        exportedThrough: periodEnd,
        totals: {},
        lastError: null,
      });
    } catch (error) {
      const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 300);
      if (influxState.lastError === null) {
        deps.report('InfluxDB write failed; the missed minutes are written on a later run', {
          reason,
          backlogMinutes: INFLUX_BACKLOG_MINUTES,
        });
      }
      // The watermark stays where the failed minutes begin: a later run writes them.
      await deps.store.advance('influxdb', influxState, {
        exportedThrough: influxState.exportedThrough ?? influx.minutes[0] ?? periodEnd,
        totals: {},
        lastError: reason,
      });
    }
  }
  return {
    snapshotMinutes: counted.length,
    snapshotWritten,
    influxMinutes,
    influxWritten,
    failedQueries: failed,
  };
}
