/**
 * A Lambda environment in miniature for `shutdown.test.ts`: the shared wrapper, one API invocation, then idle
 * until a signal comes. Writes `ready` to stderr once the invocation has returned.
 */
import { withObservability } from '../../../lambdas/shared/with-observability';
import { httpApiEvent, lambdaContext } from '../../support/lambda-events';

const handler = withObservability(async () => ({ statusCode: 200, body: '[]' }));

handler(httpApiEvent('GET /api/events'), lambdaContext()).then(() => {
  process.stderr.write('ready\n');
  // Idle like a frozen environment: only a signal ends the process.
  setInterval(() => undefined, 60_000);
});
