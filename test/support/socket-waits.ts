import type { HungServer } from './hung-server';

/**
 * Resolves once the client has closed every connection it opened to `server`: a client that only stopped
 * waiting (a timer that warns) would leave them open. Rejects after `withinMs`.
 */
export async function closedByClient(server: HungServer, withinMs = 1_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (server.open > 0) {
    if (Date.now() > deadline) {
      throw new Error(`${server.open} connection(s) still open ${withinMs} ms after the client gave up`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
