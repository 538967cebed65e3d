import { InfluxDB } from '@influxdata/influxdb-client';
import type { Datapoint, Observation } from './evaluate-rule';
import { type InfluxToken, resolveToken } from './influx-token';
import { closedPeriodEnd } from './metric-source';

/** Where Flux rules get their values: InfluxDB's query API; anything of this shape in tests. */
export interface FluxSource {
  /** The query's values as one datapoint per period, or why there are none; `signal` ends it early. */
  observe(fluxQuery: string, periodSeconds: number, now: Date, signal?: AbortSignal): Promise<Observation>;
}

export interface FluxSettings {
  url: string;
  /** A token that may only read (docs/alert-rules.md, "Flux rules"): never the export's write token. */
  token: InfluxToken;
  org: string;
  /** A query that takes longer, rows streaming included, puts its rule in ERROR for this run. */
  timeoutMs: number;
}

/**
 * Rows one query may answer. A rule needs one value per period of its evaluation range (at most 62); a query
 * that answers more has forgotten to aggregate (`aggregateWindow`, `last()`), and reading on would cost the
 * evaluator memory and time that every other rule needs.
 */
export const MAX_FLUX_ROWS = 10_000;
const MAX_ERROR_LENGTH = 300;

class TooManyRows extends Error {}

/**
 * Runs a rule's Flux query and files each row's `_value` under the period its `_time` ends (Flux's
 * `aggregateWindow` stamps a window with its stop): a query over the last few periods gives M of N its
 * datapoints, one returning a single `last()` row gives the newest period's. Rows of the still-filling
 * period are left out. Rows are read as they stream in, one period's value kept at a time; past
 * MAX_FLUX_ROWS the request is cancelled and the rule is in ERROR naming the cap. A failed or timed-out
 * query is an error observation too: ERROR, never RESOLVED.
 */
export class InfluxFluxSource implements FluxSource {
  readonly #settings: FluxSettings;

  constructor(settings: FluxSettings) {
    this.#settings = settings;
  }

  async observe(
    fluxQuery: string,
    periodSeconds: number,
    now: Date,
    signal?: AbortSignal,
  ): Promise<Observation> {
    const { url, org, timeoutMs } = this.#settings;
    const periodMs = periodSeconds * 1_000;
    const periodEnd = closedPeriodEnd(now, periodSeconds);
    const timeout = AbortSignal.timeout(timeoutMs);
    const aborted = signal ? AbortSignal.any([timeout, signal]) : timeout;
    const byPeriod = new Map<number, number>();
    let rows = 0;
    try {
      const token = await resolveToken(this.#settings.token);
      // The signal reaches the HTTP request itself: the client's own `timeout` only bounds an idle socket, and
      // a server that trickles rows would keep it busy for ever.
      const influx = new InfluxDB({ url, token, timeout: timeoutMs, transportOptions: { signal: aborted } });
      for await (const { values, tableMeta } of influx.getQueryApi(org).iterateRows(fluxQuery)) {
        rows += 1;
        if (rows > MAX_FLUX_ROWS) throw new TooManyRows();
        const row = tableMeta.toObject(values) as { _time?: unknown; _value?: unknown };
        const value = typeof row._value === 'number' ? row._value : Number(row._value);
        const time = typeof row._time === 'string' ? Date.parse(row._time) : Number.NaN;
        if (!Number.isFinite(value) || Number.isNaN(time)) continue;
        // A row at a window's stop (10:01:00) belongs to the period that ends there (10:00).
        const start = Math.floor((time - 1) / periodMs) * periodMs;
        if (start + periodMs <= periodEnd.getTime()) byPeriod.set(start, value);
      }
    } catch (error) {
      if (error instanceof TooManyRows) {
        return {
          ok: false,
          error: `the Flux query answered more than ${MAX_FLUX_ROWS.toLocaleString('en')} rows (the cap); aggregate it per period (aggregateWindow) or narrow its range`,
        };
      }
      return { ok: false, error: describeFailure(error, aborted, timeout, timeoutMs) };
    }
    const datapoints: Datapoint[] = [...byPeriod].map(([start, value]) => ({
      timestamp: new Date(start),
      value,
    }));
    return { ok: true, datapoints, periodEnd };
  }
}

function describeFailure(
  error: unknown,
  aborted: AbortSignal,
  timeout: AbortSignal,
  timeoutMs: number,
): string {
  if (timeout.aborted) return `InfluxDB query failed: no complete answer within ${timeoutMs} ms`;
  if (aborted.aborted) {
    const reason = aborted.reason instanceof Error ? aborted.reason.message : 'aborted';
    return `InfluxDB query gave up: ${reason}`.slice(0, MAX_ERROR_LENGTH);
  }
  const { name, message } = error as Error;
  return `InfluxDB query failed: ${name}: ${message}`.slice(0, MAX_ERROR_LENGTH);
}
