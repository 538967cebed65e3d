/**
 * Runs `flush` when Lambda announces that it reclaims the environment, then exits. Lambda sends the runtime
 * SIGTERM only when an extension is registered (`shutdown-signal-extension.mjs`) and kills it 500 ms later,
 * so `flush` must be synchronous: writing EMF to stdout is. Outside Lambda (tests, the local server, which
 * handles its own signals) nothing is installed.
 */
export function flushOnShutdown(flush: () => void): void {
  if (!process.env.AWS_LAMBDA_RUNTIME_API) return;
  process.once('SIGTERM', () => {
    try {
      flush();
    } finally {
      process.exit(0);
    }
  });
}
