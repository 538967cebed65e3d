import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackDelivery } from '../../../lambdas/slack-notifier/delivery';
import { OK, type SlackReply, type SlackServer, startSlackServer } from '../../support/slack-server';

/** A port on 127.0.0.1 that nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A clock that only sleeping moves: waits are recorded, not spent. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void>; sleeps: number[] } {
  let time = Date.parse('2026-11-30T04:00:00Z');
  const sleeps: number[] = [];
  return {
    now: () => time,
    sleep: async (ms) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}

describe('SlackDelivery', () => {
  let slack: SlackServer | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('waits the Retry-After of a 429 even when nothing else would make it wait', async () => {
    // Prepare: no pacing and a tiny backoff, so that only Retry-After can explain the gap.
    slack = await startSlackServer([
      { status: 429, body: 'rate_limited', headers: { 'Retry-After': '1' } },
      OK,
    ]);
    const delivery = new SlackDelivery({ minIntervalMs: 0, backoffBaseMs: 10 });
    const causes: string[] = [];

    // Act
    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', Date.now() + 10_000, (cause) =>
      causes.push(cause),
    );

    // Assess
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200 });
    expect(causes).toEqual(['rate_limited']);
    expect((slack.posts[1]?.receivedAt ?? 0) - (slack.posts[0]?.receivedAt ?? 0)).toBeGreaterThanOrEqual(995);
  });

  it('gives up at once when Retry-After is longer than the time left', async () => {
    slack = await startSlackServer([{ status: 429, body: 'rate_limited', headers: { 'Retry-After': '30' } }]);
    const delivery = new SlackDelivery();
    const startedAt = Date.now();

    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', Date.now() + 5_000);

    expect(result).toMatchObject({
      delivered: false,
      reason: 'rate_limited',
      permanent: false,
      status: 429,
      slackError: 'rate_limited',
      attempts: 1,
    });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('waits the capped time when Retry-After is longer than the cap but the cap fits before the deadline', async () => {
    // Prepare: a clock that sleeping moves forward, so that the 20 s cap costs no real time.
    slack = await startSlackServer([
      { status: 429, body: 'rate_limited', headers: { 'Retry-After': '90' } },
      OK,
    ]);
    const clock = fakeClock();
    const delivery = new SlackDelivery({ maxRetryAfterMs: 20_000, ...clock });

    // Act
    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', clock.now() + 25_000);

    // Assess
    expect(result).toEqual({ delivered: true, attempts: 2, status: 200 });
    expect(clock.sleeps).toEqual([20_000]);
  });

  it('gives up with the 429 as its reason when Slack still rate-limits after the capped wait', async () => {
    slack = await startSlackServer(
      Array.from({ length: 3 }, () => ({
        status: 429,
        body: 'rate_limited',
        headers: { 'Retry-After': '90' },
      })),
    );
    const clock = fakeClock();
    const delivery = new SlackDelivery({ maxRetryAfterMs: 20_000, ...clock });

    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', clock.now() + 25_000);

    expect(result).toEqual({
      delivered: false,
      attempts: 2,
      reason: 'rate_limited',
      permanent: false,
      status: 429,
      slackError: 'rate_limited',
    });
    expect(clock.sleeps).toEqual([20_000]);
    expect(slack.posts).toHaveLength(2);
  });

  it('retries connection errors and reports the error code, not the URL', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/services/T0/B0/secretsecret`;
    const delivery = new SlackDelivery({ minIntervalMs: 0, backoffBaseMs: 50, backoffMaxMs: 100 });
    const causes: string[] = [];

    const result = await delivery.deliver({ key: '#a', url }, '{}', Date.now() + 1_000, (cause) =>
      causes.push(cause),
    );

    expect(result).toMatchObject({
      delivered: false,
      reason: 'network_error',
      permanent: false,
      detail: 'ECONNREFUSED',
    });
    expect(result.attempts).toBeGreaterThanOrEqual(3);
    expect(causes.every((cause) => cause === 'network_error')).toBe(true);
    expect(JSON.stringify(result)).not.toContain('secretsecret');
  });

  it('posts at most about once a second to one webhook, and does not hold back another', async () => {
    slack = await startSlackServer();
    const delivery = new SlackDelivery();
    const deadline = Date.now() + 10_000;

    await delivery.deliver({ key: '#a', url: slack.url }, '{"n":1}', deadline);
    await delivery.deliver({ key: '#b', url: slack.url }, '{"n":2}', deadline);
    await delivery.deliver({ key: '#a', url: slack.url }, '{"n":3}', deadline);

    const [first, other, second] = slack.posts.map((post) => post.receivedAt);
    expect((other ?? 0) - (first ?? 0)).toBeLessThan(500);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(995);
  });
});

/** Every piece of four characters of the webhook's secret path segments that `text` still holds. */
function pathPiecesIn(text: string, secretPath: string): string[] {
  const segments = secretPath.split('/').filter((segment) => /[A-Z0-9]/.test(segment));
  return segments.flatMap((segment) =>
    Array.from({ length: segment.length - 3 }, (_, start) => segment.slice(start, start + 4)).filter(
      (piece) => text.includes(piece),
    ),
  );
}

describe("SlackDelivery and Slack's echo of the webhook's path", () => {
  let slack: SlackServer | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it.each([
    [404, (path: string) => `no_service for ${path.split('/').slice(-2).join('/')}`],
    [403, (path: string) => `invalid_token ${path.split('/').at(-1)}`],
    [404, (path: string) => `unknown webhook ${path}`],
    [410, (path: string) => `channel gone: ${path.split('/').at(-1)?.slice(0, 10)}`],
  ])('keeps no piece of the path from a %i answer', async (status, echo) => {
    // Prepare: the stand-in's path is known once it runs; its script is read at each post.
    const script: SlackReply[] = [];
    slack = await startSlackServer(script);
    script.push({ status, body: echo(slack.secretPath) });
    const delivery = new SlackDelivery({ minIntervalMs: 0 });

    // Act
    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', Date.now() + 5_000);

    // Assess
    expect(result).toMatchObject({ delivered: false, reason: 'rejected', status });
    expect(pathPiecesIn(JSON.stringify(result), slack.secretPath)).toEqual([]);
    expect(JSON.stringify(result)).toContain('[REDACTED]');
  });

  it('scrubs a secret of any kind that an answer carries', async () => {
    // Prepare
    slack = await startSlackServer([
      { status: 400, body: 'invalid_payload: Authorization: Bearer abcdefghijklmnop1234 rejected' },
    ]);
    const delivery = new SlackDelivery({ minIntervalMs: 0 });

    // Act
    const result = await delivery.deliver({ key: '#a', url: slack.url }, '{}', Date.now() + 5_000);

    // Assess
    expect(result).toMatchObject({
      slackError: 'invalid_payload: Authorization: [REDACTED] [REDACTED] rejected',
    });
  });
});
