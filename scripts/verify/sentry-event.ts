import { randomUUID } from 'node:crypto';
import {
  createEventEnvelope,
  getEnvelopeEndpointWithUrlEncodedAuth,
  makeDsn,
  serializeEnvelope,
} from '@sentry/core';
import { type Check, type CheckResult, failed, ok } from './check';
import { describeError } from './describe-error';
import { shortErrorString } from './short-error-string';

export const SENTRY_TEST_MESSAGE = 'SignUpFlow monitoring: verify test event';

export interface SentryEventOptions {
  dsn: string | undefined;
  environment: string;
  release?: string;
  stage: string;
  /** What the line says without a DSN: skipped locally, failed in a stage. */
  notConfigured: CheckResult;
  /** Where the DSN is set: `SENTRY_DSN`, or `sentry.dsn` of the stage in lib/stages.ts. */
  whereTheDsnIsSet: string;
}

/**
 * Sends one info-level test event to the DSN's project, as an envelope built by Sentry's own SDK core, and
 * passes only when Sentry's ingest accepts it (2xx). Prints the host and project, never the DSN's key.
 */
export function sentryEventCheck(options: SentryEventOptions): Check {
  const fix = `check the host of ${options.whereTheDsnIsSet} and this machine's network or proxy; https://status.sentry.io`;
  return {
    name: 'Sentry',
    fix,
    run: async (signal) => {
      if (!options.dsn) return options.notConfigured;
      const dsn = makeDsn(options.dsn);
      if (!dsn) {
        return failed(
          `${options.whereTheDsnIsSet} is not a DSN`,
          `copy the project's DSN from Sentry (Project Settings, Client Keys) into ${options.whereTheDsnIsSet}`,
        );
      }
      const eventId = randomUUID().replaceAll('-', '');
      const envelope = createEventEnvelope(
        {
          event_id: eventId,
          message: SENTRY_TEST_MESSAGE,
          level: 'info',
          platform: 'node',
          timestamp: Date.now() / 1_000,
          environment: options.environment,
          release: options.release,
          tags: { source: 'npm run verify', stage: options.stage },
        },
        dsn,
        { sdk: { name: 'signupflow.verify', version: '1.0.0' } },
      );
      const where = `${dsn.host}${dsn.port ? `:${dsn.port}` : ''}, project ${dsn.projectId}`;
      let response: Response;
      try {
        response = await fetch(getEnvelopeEndpointWithUrlEncodedAuth(dsn), {
          method: 'POST',
          headers: { 'content-type': 'application/x-sentry-envelope' },
          body: serializeEnvelope(envelope),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw error;
        return failed(`${where}: ${describeError(error)}`, fix);
      }
      const reason = shortErrorString(response.headers.get('x-sentry-error') ?? (await response.text()));
      if (response.ok) return ok(`test event ${eventId} accepted by ${where}`);
      return failed(
        `HTTP ${response.status} from ${where}${reason ? ` (${reason})` : ''}`,
        fixFor(response.status, options),
      );
    },
  };
}

function fixFor(status: number, options: SentryEventOptions): string {
  if (status === 401 || status === 403 || status === 404) {
    return `Sentry does not know this key or project: copy the project's current DSN (Project Settings, Client Keys) into ${options.whereTheDsnIsSet}`;
  }
  if (status === 429)
    return "Sentry is rate-limiting the project or its quota is used up: see Sentry's Stats page";
  return 'Sentry could not take the event: try again later; https://status.sentry.io';
}
