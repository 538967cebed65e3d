import type { SqlClient } from '../rule-store';

export type ExportTarget = 'snapshot' | 'influxdb';

export interface ExportTargetState {
  exportedThrough: Date | null;
  totals: Record<string, number>;
  lastError: string | null;
  version: number;
}

export interface ExportState {
  targets: Record<ExportTarget, ExportTargetState>;
  /** Notifications still to publish: the `background_jobs_pending` of alerting. */
  pendingNotifications: number;
}

const EMPTY: ExportTargetState = { exportedThrough: null, totals: {}, lastError: null, version: 0 };

/** The export's watermarks in Postgres, each advanced only by the run that read the current version. */
export class ExportStateStore {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  async read(): Promise<ExportState> {
    const { rows } = await this.#db.query<{
      target: ExportTarget | null;
      exported_through: Date | null;
      totals: Record<string, number> | null;
      last_error: string | null;
      version: string | null;
      pending: number;
    }>(
      'select',
      `SELECT s.target, s.exported_through, s.totals, s.last_error, s.version,
              (SELECT count(*)::int FROM alert_notifications WHERE outcome IS NULL) AS pending
         FROM (SELECT 1) AS one LEFT JOIN metrics_export_state s ON true`,
    );
    const targets: Record<ExportTarget, ExportTargetState> = {
      snapshot: { ...EMPTY },
      influxdb: { ...EMPTY },
    };
    for (const row of rows) {
      if (!row.target) continue;
      targets[row.target] = {
        exportedThrough: row.exported_through,
        totals: row.totals ?? {},
        lastError: row.last_error,
        version: Number(row.version),
      };
    }
    return { targets, pendingNotifications: rows[0]?.pending ?? 0 };
  }

  /** Moves a target's watermark (and totals, error) on if its version is still `expected.version`. */
  async advance(
    target: ExportTarget,
    expected: ExportTargetState,
    next: { exportedThrough: Date; totals: Record<string, number>; lastError: string | null },
  ): Promise<boolean> {
    const { rows } = await this.#db.query(
      'insert',
      `INSERT INTO metrics_export_state AS s (target, exported_through, totals, last_error, version)
       VALUES ($1, $2, $3::jsonb, $4, $5 + 1)
       ON CONFLICT (target) DO UPDATE
          SET exported_through = EXCLUDED.exported_through, totals = EXCLUDED.totals,
              last_error = EXCLUDED.last_error, version = EXCLUDED.version, updated_at = now()
        WHERE s.version = $5
       RETURNING target`,
      [target, next.exportedThrough, JSON.stringify(next.totals), next.lastError, expected.version],
    );
    return rows.length === 1;
  }
}
