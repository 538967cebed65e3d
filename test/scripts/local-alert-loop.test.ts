import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { type CapturedOutput, captureOutput } from '../support/output';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { type SlackServer, startSlackServer } from '../support/slack-server';

/**
 * The quick start's loop on one machine, end to end over HTTP: requests to the local server, the quick
 * start's rule evaluated by the evaluator's own code against the local metric store, and the alert posted by
 * the notifier's own code to a Slack stand-in on 127.0.0.1. The loop's clock is moved minute by minute.
 */
describe('the whole alert loop on one machine', () => {
  let database: TestDatabase;
  let slack: SlackServer;
  let server: LocalServer;
  let output: CapturedOutput;
  let now = new Date('2026-11-30T10:00:10Z');
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    slack = await startSlackServer();
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('REDIS_URL', 'redis://127.0.0.1:6379');
    vi.stubEnv('SLACK_WEBHOOK_URL', slack.url);
    vi.stubEnv('ALERT_EVALUATION_INTERVAL', '3600');
    server = await startLocalServer({ port: 0, log: (line) => lines.push(line), now: () => now });
    output = captureOutput(); // the test errors' log lines
  });

  afterAll(async () => {
    output.restore();
    await server.close();
    await slack.close();
    vi.unstubAllEnvs();
    await database.drop();
  });

  /** A minute of traffic: `ok` event lists and `failed` test errors, then the clock to the next minute. */
  async function minuteOfTraffic(ok: number, failed: number): Promise<void> {
    for (let index = 0; index < ok; index++) await fetch(`${server.url}/api/events?organizationId=org`);
    for (let index = 0; index < failed; index++) {
      await fetch(`${server.url}/api/trigger-test-error`, { method: 'POST' });
    }
    now = new Date(now.getTime() + 60_000);
  }

  it('fires the high error rate rule once when 5xx exceed 10%, and resolves it once when they drop', async () => {
    // Act: three minutes at 25% 5xx, then two healthy minutes, evaluating after each
    const states: string[] = [];
    for (const [ok, failed] of [
      [6, 2],
      [6, 2],
      [6, 2],
      [8, 0],
      [8, 0],
    ] as const) {
      await minuteOfTraffic(ok, failed);
      const summary = await server.alerting?.evaluateNow();
      states.push(summary?.firing === 1 ? 'FIRING' : 'not firing');
    }
    // Assess
    expect(states).toEqual(['not firing', 'not firing', 'FIRING', 'not firing', 'not firing']);
    const headers = slack.posts.map((post) =>
      String((post.json().blocks as { text?: { text?: string } }[])[0]?.text?.text),
    );
    expect(headers).toHaveLength(2);
    expect(headers[0]).toBe('🚨 CRITICAL: High Error Rate');
    expect(JSON.stringify(slack.posts[1]?.json())).toContain('RESOLVED');
    expect(lines).toContain(
      'Alert rules evaluated every 3600 s (ALERT_EVALUATION_INTERVAL); alerts go to SLACK_WEBHOOK_URL',
    );
  });
});
