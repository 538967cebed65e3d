import { snapshotMaxAgeSeconds } from '../shared/metrics-snapshot';
import { renderSnapshot } from './render-snapshot';
import { metricsText, refusal, type TextResponse, unavailable } from './responses';
import { parseSnapshot, snapshotAgeSeconds } from './snapshot';

export interface ScrapeDependencies {
  /** The token a scrape must carry; undefined when /metrics is open (locally without METRICS_TOKEN). */
  expectedToken: () => Promise<string | undefined>;
  /** The snapshot's JSON, or null when the key does not exist. */
  readSnapshot: () => Promise<string | null>;
  now: () => Date;
  /** Why a scrape got no metrics, for the log: the answer itself stays short. */
  warn: (message: string, details: Record<string, unknown>) => void;
}

/**
 * One scrape: the token first (nothing about the snapshot reaches an unauthorized caller), then the snapshot
 * from Redis, rendered when it is there, readable and fresh.
 */
export async function answerScrape(
  authorization: string | undefined,
  dependencies: ScrapeDependencies,
): Promise<TextResponse> {
  let expected: string | undefined;
  try {
    expected = await dependencies.expectedToken();
  } catch (error) {
    dependencies.warn('The metrics token could not be read', { reason: String(error) });
    return unavailable('metrics token unavailable');
  }
  const refused = refusal(authorization, expected);
  if (refused) return refused;

  let text: string | null;
  try {
    text = await dependencies.readSnapshot();
  } catch (error) {
    dependencies.warn('The metrics snapshot could not be read', { reason: String(error) });
    return unavailable('metrics store unavailable');
  }
  if (text === null) return unavailable('metrics snapshot missing: the export has not run yet');

  const parsed = parseSnapshot(text);
  if (!parsed.ok) {
    dependencies.warn('The metrics snapshot is unparsable', { reason: parsed.reason });
    return unavailable('metrics snapshot unparsable');
  }
  const ageSeconds = Math.round(snapshotAgeSeconds(parsed.snapshot, dependencies.now()));
  const maxAgeSeconds = snapshotMaxAgeSeconds(parsed.snapshot);
  if (ageSeconds > maxAgeSeconds) {
    return unavailable(`metrics snapshot stale: written ${ageSeconds} s ago (more than ${maxAgeSeconds} s)`);
  }
  return metricsText(await renderSnapshot(parsed.snapshot));
}
