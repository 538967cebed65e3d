/**
 * Runs one Flux rule's query in a process of its own and prints what it cost: the elapsed time, the process's
 * peak resident memory, and the observation. `flux-bounds.test.ts` starts it, so that nothing of the test
 * runner counts in the memory.
 */
import { InfluxFluxSource } from '../../../lambdas/alert-evaluator/flux-source';

async function main(): Promise<void> {
  const [url = '', timeoutMs = '20000'] = process.argv.slice(2);
  const source = new InfluxFluxSource({
    url,
    token: 'read-only',
    org: 'signupflow',
    timeoutMs: Number(timeoutMs),
  });
  const startedAt = performance.now();
  const observation = await source.observe(
    'from(bucket: "app") |> range(start: -30d) |> filter(fn: (r) => r._measurement == "signups")',
    60,
    new Date('2026-11-30T10:00:05Z'),
  );
  const ms = performance.now() - startedAt;
  const maxRssMb = process.resourceUsage().maxRSS / 1_024;
  console.log(JSON.stringify({ ms, maxRssMb, observation }));
}

main().catch((error: Error) => {
  console.error(error.stack);
  process.exit(1);
});
