import pg from 'pg';
import { type PostgresPoolSettings, postgresPoolSettings } from './connection-settings';
import { logger } from './observability';

export type QueryType = 'select' | 'insert' | 'update' | 'delete' | 'other';

/** Where the database's metrics go: `MetricAggregator` in Lambda, anything with the same shape in tests. */
export interface MetricRecorder {
  add(name: string, unit: 'Seconds' | 'Count', value: number, dimensions: Record<string, string>): void;
  /** A gauge: the highest value of its minute. */
  highest(name: string, unit: 'Count', value: number, dimensions: Record<string, string>): void;
}

/**
 * For a background job's pool: its queries stay out of the quick start's database metrics, which describe the
 * application's use of the database (the alert evaluator's writes would blur the API's query percentiles and
 * add two series of their own); the job's own duration metric covers it.
 */
export const UNMEASURED: MetricRecorder = { add: () => undefined, highest: () => undefined };

/**
 * A Postgres pool that records the quick start's "additional metrics": `db_query_duration_seconds` by query
 * type (a bounded dimension, connection wait included) and `db_connections_active`, the most connections
 * checked out of the pool at once in each minute (read as each query starts).
 */
export class Database {
  readonly #pool: pg.Pool;
  readonly #metrics: MetricRecorder;
  readonly #refreshPassword: (() => Promise<void>) | undefined;

  /** `refreshPassword` re-reads the password the pool's settings give new connections (see `#connect`). */
  constructor(pool: pg.Pool, metrics: MetricRecorder, refreshPassword?: () => Promise<void>) {
    this.#pool = pool;
    this.#metrics = metrics;
    this.#refreshPassword = refreshPassword;
  }

  async query<Row extends pg.QueryResultRow>(
    queryType: QueryType,
    text: string,
    values: unknown[] = [],
  ): Promise<pg.QueryResult<Row>> {
    const startedAt = performance.now();
    const client = await this.#connect();
    this.#metrics.highest('db_connections_active', 'Count', this.#pool.totalCount - this.#pool.idleCount, {});
    let brokenConnection: Error | undefined;
    // pg also emits a lost connection (a failover, a terminated backend) as 'error' on the client, besides
    // rejecting the query: a checked-out client has no pool listener, and an unheard 'error' would crash the
    // environment.
    const onLost = (error: Error) => {
      brokenConnection = error;
    };
    client.on('error', onLost);
    try {
      return await client.query<Row>(text, values);
    } catch (error) {
      // A server-reported SQL error leaves the connection usable; a FATAL one (the backend terminated) or
      // anything else (a timeout, a reset) does not.
      if (!(error instanceof pg.DatabaseError) || isFatal(error)) brokenConnection ??= error as Error;
      throw error;
    } finally {
      client.removeListener('error', onLost);
      client.release(brokenConnection);
      const seconds = Math.round(performance.now() - startedAt) / 1_000;
      this.#metrics.add('db_query_duration_seconds', 'Seconds', seconds, { query_type: queryType });
    }
  }

  /**
   * A connection from the pool. After the password is rotated, connections already open keep working but a
   * new one fails with 28P01 (invalid_password) for as long as the cached secret is old: read the secret
   * again and try once more. A second refusal is the caller's error: the secret itself is wrong, and trying
   * in a loop would only hammer the server (and lock the role out where attempts are limited).
   */
  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.#pool.connect();
    } catch (error) {
      if (!this.#refreshPassword || !isInvalidPassword(error)) throw error;
      logger.warn('Postgres refused the login (28P01), so the database secret is read again');
      await this.#refreshPassword();
      return this.#pool.connect();
    }
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}

/** Postgres ends the session after a FATAL or PANIC error (57P01 admin shutdown, 57P02, ...). */
function isFatal(error: pg.DatabaseError): boolean {
  return error.severity === 'FATAL' || error.severity === 'PANIC';
}

function isInvalidPassword(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.code === '28P01';
}

/**
 * SQLSTATE class 22, data exception: Postgres rejected a value it was sent (a date out of range, a number
 * too large). The request's fault, never the server's; its message may echo the value, so it is not shown.
 */
export function isDataException(error: unknown): error is pg.DatabaseError {
  return error instanceof pg.DatabaseError && typeof error.code === 'string' && error.code.startsWith('22');
}

/**
 * Pool settings for Lambda: one request at a time per environment, fail fast on a hung server. Connecting
 * gives up after 2 s, a statement is cancelled by the server after 4 s, and the client gives up on an answer
 * after 4.5 s (a hung server cancels nothing) and drops that connection. With a cold read of the password
 * (3 s at worst, AWS_CALL_BUDGETS.secretsManager) the API's slowest query fails at 9.5 s, inside its 10 s
 * timeout (docs/fault-matrix.md, "Deadlines").
 */
export const LAMBDA_POOL_SETTINGS: pg.PoolConfig = {
  max: 2,
  idleTimeoutMillis: 60_000,
  connectionTimeoutMillis: 2_000,
  statement_timeout: 4_000,
  query_timeout: 4_500,
};

export async function createDatabase(
  metrics: MetricRecorder,
  settings: PostgresPoolSettings = postgresPoolSettings(),
): Promise<Database> {
  const pool = new pg.Pool({ ...LAMBDA_POOL_SETTINGS, ...settings.config });
  // An idle connection that the server closes must not crash the environment; the pool replaces it.
  pool.on('error', (error) => logger.warn('An idle Postgres connection failed', { reason: error.message }));
  return new Database(pool, metrics, settings.refreshPassword);
}
