import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SNSEvent } from 'aws-lambda';
import { expect } from 'vitest';
import { type SnsNotice, slackMessage } from '../../../lambdas/slack-notifier/notify';
import { recognise } from '../../../lambdas/slack-notifier/recognise';
import { type Block, SLACK_LIMITS, type SlackMessage } from '../../../lambdas/slack-notifier/slack-message';
import { parseSnsRecord } from '../../../lambdas/slack-notifier/sns-records';

export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', 'fixtures', 'sns');

/** An SNS event of the corpus in `test/fixtures/sns/`, as Lambda receives it. */
export function snsEvent(name: string): SNSEvent {
  return JSON.parse(readFileSync(path.join(FIXTURES_DIR, `${name}.json`), 'utf8')) as SNSEvent;
}

/** The notice the handler builds from the fixture's first record. */
export function notice(name: string): SnsNotice {
  const parsed = parseSnsRecord(snsEvent(name).Records[0]);
  if (!parsed.ok) throw new Error(`fixture ${name} is not an SNS notification: ${parsed.problem}`);
  return parsed.notice;
}

/** The footer every test renders with: production's. */
export const FOOTER = { service: 'signupflow', stage: 'production' };

/** A notice as the handler renders it for Slack: the message, and why it fell back when it did. */
export function renderNotice(received: SnsNotice): ReturnType<typeof slackMessage> {
  return slackMessage(recognise(received.message), received, FOOTER);
}

/** A fixture of the corpus as the handler renders it for Slack. */
export function renderFixture(name: string): ReturnType<typeof slackMessage> {
  return renderNotice(notice(name));
}

export function allBlocks(message: SlackMessage): Block[] {
  return [...message.blocks, ...message.attachments.flatMap((attachment) => attachment.blocks)];
}

/** Every text a reader sees, joined: for "contains" and "never contains" assertions. */
export function visibleText(message: SlackMessage): string {
  return JSON.stringify(message);
}

export function headerOf(message: SlackMessage): string {
  const header = message.blocks.find((block) => block.type === 'header');
  return header?.type === 'header' ? header.text.text : '';
}

export function fieldsOf(message: SlackMessage): string[] {
  return allBlocks(message).flatMap((block) =>
    block.type === 'section' ? (block.fields ?? []).map((f) => f.text) : [],
  );
}

export function sectionTexts(message: SlackMessage): string[] {
  return allBlocks(message).flatMap((block) =>
    block.type === 'section' && block.text ? [block.text.text] : [],
  );
}

export function buttonsOf(message: SlackMessage): { label: string; url: string }[] {
  return allBlocks(message).flatMap((block) =>
    block.type === 'actions'
      ? block.elements.map((button) => ({ label: button.text.text, url: button.url }))
      : [],
  );
}

export function contextTexts(message: SlackMessage): string[] {
  return allBlocks(message).flatMap((block) =>
    block.type === 'context' ? block.elements.map((e) => e.text) : [],
  );
}

/** Slack's documented limits, each asserted: a payload that breaks one is rejected with invalid_blocks. */
export function expectWithinSlackLimits(message: SlackMessage): void {
  expect(Array.from(message.text).length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  for (const blocks of [message.blocks, ...message.attachments.map((attachment) => attachment.blocks)]) {
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of blocks) {
      if (block.type === 'header')
        expect(Array.from(block.text.text).length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.type === 'section') {
        if (block.text)
          expect(Array.from(block.text.text).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
        for (const field of block.fields ?? [])
          expect(Array.from(field.text).length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
      if (block.type === 'context')
        expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    }
  }
}
