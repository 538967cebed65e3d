/** The components the check probes: the quick start's names, used as keys and as the metric dimension. */
export type Component = 'database' | 'redis';

/** One dependency's check over a connection kept for the environment's lifetime. */
export interface Probe {
  readonly component: Component;
  /** The hard bound of one check of this component. */
  readonly timeoutMs: number;
  /** Resolves when the dependency answered as expected; rejects otherwise. */
  check(): Promise<void>;
  /**
   * Destroys the connection (also one still connecting) so that the next check opens a new one. `cause`, the
   * caller's reason for giving up, is what every caller sharing the check in flight is told.
   */
  reset(cause?: unknown): void;
}

/** The dependency answered, but not what a healthy one answers. */
export class UnexpectedReplyError extends Error {
  override name = 'UnexpectedReplyError';
}

/** The connection settings could not be resolved (missing environment, unreadable secret). */
export class SettingsError extends Error {
  override name = 'SettingsError';
}

export class ProbeTimeoutError extends Error {
  override name = 'ProbeTimeoutError';
}
