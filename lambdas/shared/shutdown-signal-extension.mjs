// A no-op internal Lambda extension: Lambda sends the runtime SIGTERM (and waits up to 500 ms) before it
// reclaims an environment only when at least one extension is registered. This one subscribes to no events,
// so it costs nothing per invocation; `lambdas/shared/shutdown.ts` flushes the pending metrics on the signal.
//
// An extension must register before the runtime asks for its first event, so this file is preloaded ahead
// of the runtime (NODE_OPTIONS=--import, set by `ObservedFunction`): its top-level await holds the runtime
// back until the registration is answered. Plain JavaScript with no dependencies: it is copied, not bundled.
import { request } from 'node:http';

const EXTENSION_API = '/2020-01-01/extension';
const NAME = 'signupflow-shutdown-signal';
/** The Runtime API answers in well under a millisecond; a hung one must not hold the init phase. */
const REGISTER_TIMEOUT_MS = 1_000;

const runtimeApi = process.env.AWS_LAMBDA_RUNTIME_API;
if (runtimeApi) {
  try {
    const id = await register(runtimeApi);
    awaitEvents(runtimeApi, id);
  } catch (error) {
    // The function runs as before; only its pending metrics are not flushed at shutdown.
    process.stderr.write(
      `${JSON.stringify({ level: 'WARN', message: 'The shutdown-signal extension did not register', reason: String(error) })}\n`,
    );
  }
}

function register(api) {
  return new Promise((resolve, reject) => {
    const call = request(
      `http://${api}${EXTENSION_API}/register`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'lambda-extension-name': NAME },
        timeout: REGISTER_TIMEOUT_MS,
      },
      (response) => {
        response.resume();
        const id = response.headers['lambda-extension-identifier'];
        if (response.statusCode === 200 && typeof id === 'string') resolve(id);
        else reject(new Error(`register answered ${response.statusCode}`));
      },
    );
    call.on('timeout', () => call.destroy(new Error('register timed out')));
    call.on('error', reject);
    call.end(JSON.stringify({ events: [] }));
  });
}

/**
 * Init completes once the runtime and every extension have asked for their next event. With no events
 * subscribed the request stays open for the environment's life; its socket is unref'd so that it never
 * keeps a process alive on its own.
 */
function awaitEvents(api, id) {
  const call = request(
    `http://${api}${EXTENSION_API}/event/next`,
    { agent: false, headers: { 'lambda-extension-identifier': id } },
    (response) => {
      response.resume();
      if (response.statusCode === 200) response.on('end', () => awaitEvents(api, id));
    },
  );
  call.on('socket', (socket) => socket.unref());
  call.on('error', () => undefined);
  call.end();
}
