import { redisConnectionSettings } from '../shared/connection-settings';
import { isHttpApiEvent } from '../shared/http';
import { logger } from '../shared/observability';
import { getSecretString } from '../shared/secrets';
import { isSelfTestEvent } from '../shared/self-test/self-test-event';
import { withObservability } from '../shared/with-observability';
import { answerScrape, type ScrapeDependencies } from './scrape';
import { type ExporterSettings, exporterSettings } from './settings';
import { SnapshotStore } from './snapshot-store';

let environment: { settings: ExporterSettings; store: SnapshotStore; scrape: ScrapeDependencies } | undefined;

/** Read at the first scrape, so that a missing setting is a reported 500 rather than a failed cold start. */
function exporterEnvironment() {
  if (environment) return environment;
  const settings = exporterSettings();
  const store = new SnapshotStore(() => redisConnectionSettings(), settings.redisTimeoutMs);
  const { token } = settings;
  const scrape: ScrapeDependencies = {
    expectedToken: async () => {
      if (token.kind === 'secret') return getSecretString(token.secretArn);
      return token.kind === 'environment' ? token.token : undefined;
    },
    readSnapshot: () => store.read(settings.snapshotKey),
    now: () => new Date(),
    warn: (message, details) => logger.warn(message, details),
  };
  environment = { settings, store, scrape };
  return environment;
}

/** For tests and the local server: closes the Redis connection and forgets the settings. */
export function closeExporter(): void {
  environment?.store.close();
  environment = undefined;
}

/** GET /metrics: the evaluator's Redis snapshot in Prometheus text format, behind a bearer token. */
export const handler = withObservability(async (event: unknown) => {
  if (isSelfTestEvent(event)) return (await import('./self-test')).selfTest();
  if (!isHttpApiEvent(event)) throw new Error('Unsupported event: expected an API Gateway HTTP API request');
  return answerScrape(event.headers?.authorization, exporterEnvironment().scrape);
});
