import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalServer, startLocalServer } from '../../scripts/local-server';
import { renderedDom, screenshot } from '../support/chromium';
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
  let client: pg.Pool | undefined;
  const pool = () => {
    client ??= new pg.Pool({ connectionString: database.url, max: 1 });
    return client;
  };

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
    await client?.end();
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

  it('shows the firing rule, health and the last alerts on a status page a real browser renders at 375 px', async () => {
    // Prepare: the rule fires again, and a rule whose name would be markup if it were not escaped
    await pool().query(
      `INSERT INTO alert_rules (id, name, metric_name, condition, threshold, severity)
       VALUES ('markup', '<img src=x onerror=alert(1)>', 'request_rate', '>', 1000, 'info')`,
    );
    for (let minute = 0; minute < 3; minute++) await minuteOfTraffic(6, 2);
    await server.alerting?.evaluateNow();
    const file = path.join(os.tmpdir(), `status-page-${process.pid}.png`);
    // Act
    const dom = await renderedDom(`${server.url}/`);
    await screenshot(`${server.url}/`, file);
    // Assess
    expect(dom).toMatch(/<tr class="rule" data-rule-id="alert_rule_high_error_rate" data-state="FIRING">/);
    expect(dom).toContain('<td class="name">&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(dom).not.toContain('<img src="x"');
    expect(dom).toMatch(/data-component="database" data-status="healthy"/);
    expect(dom).toMatch(
      /<li class="alert" data-outcome="published">[0-9:]{8} <strong>FIRING<\/strong> High Error Rate<\/li>/,
    );
    expect(dom).toMatch(/<polyline points="[0-9., ]+"/);
    expect(dom).toContain('<a href="/metrics">');
    const png = await readFile(file);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(375);
    await rm(file, { force: true });
  });
});
