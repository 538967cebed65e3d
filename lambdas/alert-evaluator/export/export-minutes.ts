const MINUTE_MS = 60_000;

/**
 * The closed minutes a target has not had yet: from its watermark up to `periodEnd` (exclusive), at most
 * the newest `backlogMinutes`; a target that never exported starts with the newest closed minute.
 */
export function minutesToExport(
  watermark: Date | null,
  periodEnd: Date,
  backlogMinutes: number,
): { minutes: Date[]; skipped: number } {
  const end = periodEnd.getTime();
  const from = watermark ? watermark.getTime() : end - MINUTE_MS;
  const missing = Math.max(0, Math.round((end - from) / MINUTE_MS));
  const count = Math.min(missing, backlogMinutes);
  const minutes = Array.from({ length: count }, (_, index) => new Date(end - (count - index) * MINUTE_MS));
  return { minutes, skipped: missing - count };
}
