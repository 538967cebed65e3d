import { InfluxDB } from '@influxdata/influxdb-client';
import type { Datapoint, Observation } from './evaluate-rule';
import { closedPeriodEnd } from './metric-source';

/** Where Flux rules get their values: InfluxDB's query API; anything of this shape in tests. */
export interface FluxSource {
  /** The query's values as one datapoint per period, or why there are none. */
  observe(fluxQuery: string, periodSeconds: number, now: Date): Promise<Observation>;
}

export interface FluxSettings {
  url: string;
  token: string;
  org: string;
  /** A query that takes longer puts its rule in ERROR for this run. */
  timeoutMs: number;
}

const MAX_ROWS = 1_000;
const MAX_ERROR_LENGTH = 300;

/**
 * Runs a rule's Flux query and files each row's `_value` under the period its `_time` ends (Flux's
 * `aggregateWindow` stamps a window with its stop): a query over the last few periods gives M of N its
 * datapoints, one returning a single `last()` row gives the newest period's. Rows of the still-filling
 * period are left out. A failed or timed-out query is an error observation: ERROR, never RESOLVED.
 */
export class InfluxFluxSource implements FluxSource {
  readonly #settings: FluxSettings;

  constructor(settings: FluxSettings) {
    this.#settings = settings;
  }

  async observe(fluxQuery: string, periodSeconds: number, now: Date): Promise<Observation> {
    const { url, token, org, timeoutMs } = this.#settings;
    const periodMs = periodSeconds * 1_000;
    const periodEnd = closedPeriodEnd(now, periodSeconds);
    try {
      const rows = await new InfluxDB({ url, token, timeout: timeoutMs })
        .getQueryApi(org)
        .collectRows<{ _time?: string; _value?: unknown }>(fluxQuery);
      const byPeriod = new Map<number, number>();
      for (const row of rows.slice(0, MAX_ROWS)) {
        const value = typeof row._value === 'number' ? row._value : Number(row._value);
        const time = row._time ? Date.parse(row._time) : Number.NaN;
        if (!Number.isFinite(value) || Number.isNaN(time)) continue;
        // A row at a window's stop (10:01:00) belongs to the period that ends there (10:00).
        const start = Math.floor((time - 1) / periodMs) * periodMs;
        if (start + periodMs <= periodEnd.getTime()) byPeriod.set(start, value);
      }
      const datapoints: Datapoint[] = [...byPeriod].map(([start, value]) => ({
        timestamp: new Date(start),
        value,
      }));
      return { ok: true, datapoints, periodEnd };
    } catch (error) {
      const { name, message } = error as Error;
      return { ok: false, error: `InfluxDB query failed: ${name}: ${message}`.slice(0, MAX_ERROR_LENGTH) };
    }
  }
}
