import { describe, expect, it } from 'vitest';
import { parseSnsRecord, recordsOf } from '../../../lambdas/slack-notifier/sns-records';
import { snsEvent } from './fixtures';

describe('reading SNS records', () => {
  it('reads a record as Lambda receives it from SNS', () => {
    const record = snsEvent('cloudwatch-alarm').Records[0];

    expect(parseSnsRecord(record)).toEqual({
      ok: true,
      notice: {
        messageId: '7a4d2c1e-0000-4000-8000-000000000001',
        topicArn: 'arn:aws:sns:eu-west-1:123456789012:signupflow-production-alerts',
        subject: 'ALARM: "signupflow-production-api-errors" in EU (Ireland)',
        message: record?.Sns.Message,
        timestamp: '2026-11-29T14:10:32.931Z',
        messageAttributes: {},
      },
    });
  });

  it('keeps a record with a message even when its envelope is malformed or incomplete', () => {
    const parsed = parseSnsRecord({
      Sns: { Message: 'disk full', Timestamp: 'yesterday', UnsubscribeUrl: 'not a url' },
    });

    expect(parsed).toMatchObject({
      ok: true,
      notice: { message: 'disk full', messageId: 'unknown', topicArn: 'unknown' },
    });
    expect(parsed.ok && Number.isNaN(Date.parse(parsed.notice.timestamp))).toBe(false);
  });

  it.each([
    ['an SQS record', snsEvent('not-sns').Records[0]],
    ['a message that is not a string', { Sns: { Message: { nested: true } } }],
    ['nothing', null],
  ])('refuses %s, naming what is missing', (_name, record) => {
    expect(parseSnsRecord(record)).toEqual({
      ok: false,
      problem: expect.stringMatching(/^not an SNS notification \(/),
    });
  });

  it('treats an event without Records as one record, so that it is dead-lettered rather than ignored', () => {
    expect(recordsOf({ hello: 'world' })).toEqual([{ hello: 'world' }]);
    expect(recordsOf(snsEvent('plain-text'))).toHaveLength(1);
  });
});
