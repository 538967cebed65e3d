/**
 * `npm run soak`: the local alert loop under random faults, checked at the end (scripts/soak/soak-run.ts).
 * Exits 0 when every check passed, 1 when one failed, 2 for a bad flag.
 */

import { parseSoakArgs, SoakUsageError, USAGE } from './soak/soak-arguments';
import { runSoak, type SoakReport } from './soak/soak-run';

function summary(report: SoakReport): string {
  const { checks, requests, runs, notifier } = report;
  const faults = Object.entries(report.faults)
    .map(([dependency, kinds]) => {
      const named = Object.entries(kinds)
        .filter(([, count]) => count > 0)
        .map(([kind, count]) => `${kind} ${count}`)
        .join(', ');
      return `  ${dependency.padEnd(16)} ${named}`;
    })
    .join('\n');
  return [
    `Soak ${report.passed ? 'PASSED' : 'FAILED'}: seed ${report.seed}, ${report.minutes} min, ${report.ticks} ticks (replay: npm run soak -- --minutes ${report.minutes} --seed ${report.seed})`,
    `Requests: ${requests.total} to the local server and the /metrics exporter; calls per dependency: ${Object.entries(
      requests.byStandIn,
    )
      .map(([name, count]) => `${name} ${count}`)
      .join(', ')}`,
    `  by route: ${Object.entries(requests.byRoute)
      .map(
        ([route, figures]) =>
          `${route} ${Object.entries(figures.statuses)
            .map(([status, count]) => `${status}×${count}`)
            .join(' ')} (slowest ${figures.slowestMs} ms, ${figures.hung} hung)`,
      )
      .join('; ')}`,
    `Runs: ${runs.scheduled} started (${runs.failed} failed), ${runs.skipped} schedule events lost, ${runs.late} late, ${runs.retried} retried, ${runs.malformedEventsRefused} malformed events refused`,
    `Faults injected (${report.faultEpisodes} episodes):`,
    faults,
    `Notifications queued: ${JSON.stringify(checks.queued)}`,
    `Transitions published: ${checks.transitions}; duplicates: ${checks.duplicates}; losses: ${checks.losses}; stale sent: ${checks.staleSent}; unexplained posts: ${checks.unexplained}; out of order: ${checks.outOfOrder}; episodes left open in Slack: ${checks.leftOpen}; pending after drain: ${checks.pending}`,
    `RESOLVEDs sent after a FIRING that got no answer and was superseded (SNS may have taken it): ${checks.resolvedAfterUncertainFiring}`,
    `Slack posts that arrived after a later message of their rule (dead letters redriven, retries): ${checks.arrivedLate}`,
    `Notifier: ${notifier.invocations} invocations, ${notifier.failed} failed, ${notifier.sentToOnFailure} to the on-failure queue, ${notifier.redriven} dead letters redriven`,
    ...(checks.failures.length > 0
      ? ['Failures:', ...checks.failures.slice(0, 50).map((failure) => `  ${failure}`)]
      : []),
  ].join('\n');
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseSoakArgs>;
  try {
    options = parseSoakArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof SoakUsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (!options) {
    console.log(USAGE);
    return;
  }
  const report = await runSoak(options, (line) => console.log(line));
  console.log(summary(report));
  console.log(JSON.stringify(report));
  process.exit(report.passed ? 0 : 1);
}

main().catch((error: Error) => {
  console.error(`soak failed to run: ${error.stack ?? error.message}`);
  process.exit(1);
});
