/** The failure modes the soak injects, as docs/fault-matrix.md names them. */
export const FAULT_KINDS = ['refused', 'hangs', 'error', 'slow', 'poison'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type Mode = 'healthy' | FaultKind;

/** The dependencies of docs/fault-matrix.md. */
export const DEPENDENCIES = [
  'postgres',
  'redis',
  'cloudwatch',
  'sns',
  'sqs',
  'secrets-manager',
  'slack',
  'sentry',
  'influxdb',
  'schedule',
] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** Something whose behaviour a fault changes: a stand-in, a proxy, the schedule. */
export interface Faultable {
  readonly dependency: Dependency;
  /** What it does now; set by the fault plan. */
  mode: Mode;
  /** Requests (or connections) it has served, whatever the mode. */
  readonly calls: number;
}

/** How late a `slow` dependency answers: noticeably late, but within every timeout of the callers. */
export const SLOW_MS = 150;
