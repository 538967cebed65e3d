import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARM_DESCRIPTION_MAX_LENGTH, githubAnchor, RUNBOOK_SECTIONS } from '../../lib/runbook';
import {
  type AlarmLink,
  alarmLinks,
  expectedSection,
  headingAnchors,
  readRunbook,
} from '../support/runbook-anchors';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';

// The production stage's own synth (its thresholds, e-mail and concurrency differ from dev's): one a file.
describe('the alarms of the production stack', () => {
  let synthesized: SynthesizedStack;
  let links: AlarmLink[];
  const anchors = headingAnchors(readRunbook());

  beforeAll(() => {
    synthesized = synthesizeStack('production');
    links = alarmLinks(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
  });
  afterAll(() => synthesized?.cleanup());

  it('each link to their own section, which exists in the runbook', () => {
    const wrong = links
      .map(({ alarmName, anchor }) => {
        const section = expectedSection(alarmName);
        return { alarmName, anchor, expected: section && githubAnchor(RUNBOOK_SECTIONS[section]) };
      })
      .filter(
        ({ anchor, expected }) => expected === undefined || anchor !== expected || !anchors.has(anchor),
      );

    expect(links.length).toBeGreaterThanOrEqual(24);
    expect(wrong).toEqual([]);
  });

  it('keep their descriptions within CloudWatch’s 1024 characters', () => {
    const tooLong = links.filter((link) => link.description.length > ALARM_DESCRIPTION_MAX_LENGTH);

    expect(tooLong).toEqual([]);
  });
});
