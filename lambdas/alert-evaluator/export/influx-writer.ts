import { InfluxDB, type Point, setLogger } from '@influxdata/influxdb-client';
import { type InfluxToken, resolveToken } from '../influx-token';

// The client logs every failed write to the console; the evaluator reports a failure once, with its reason.
setLogger({ error: () => undefined, warn: () => undefined });

export interface InfluxSettings {
  url: string;
  /** The export's token, allowed to write to the bucket; read when a write needs it. */
  token: InfluxToken;
  org: string;
  bucket: string;
  /** A write that takes longer fails; the minutes are written on a later run. */
  timeoutMs: number;
}

/** Where the export's points go: InfluxDB when configured; anything of this shape in tests. */
export interface PointWriter {
  write(points: Point[]): Promise<void>;
}

/**
 * Writes points through `@influxdata/influxdb-client` in one flush, with a bounded timeout and no retries of
 * its own: a failed write is retried by the next evaluator run from the export's watermark.
 */
export class InfluxPointWriter implements PointWriter {
  readonly #settings: InfluxSettings;

  constructor(settings: InfluxSettings) {
    this.#settings = settings;
  }

  async write(points: Point[]): Promise<void> {
    if (points.length === 0) return;
    const { url, org, bucket, timeoutMs } = this.#settings;
    const token = await resolveToken(this.#settings.token);
    const writeApi = new InfluxDB({ url, token, timeout: timeoutMs }).getWriteApi(org, bucket, 's', {
      maxRetries: 0,
      batchSize: points.length + 1,
      flushInterval: 0,
      gzipThreshold: 1_000,
      // The client logs a failed write itself; the evaluator reports it once.
      writeFailed: () => undefined,
    });
    writeApi.writePoints(points);
    try {
      await writeApi.close();
    } catch (error) {
      await writeApi.dispose();
      throw error;
    }
  }
}
