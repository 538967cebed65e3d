import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALARM_DESCRIPTION_MAX_LENGTH,
  describeAlarm,
  githubAnchor,
  RUNBOOK_SECTIONS,
  type RunbookSection,
  runbookUrl,
} from '../../lib/runbook';
import {
  type AlarmLink,
  alarmLinks,
  expectedSection,
  headingAnchors,
  readRunbook,
  sectionText,
} from '../support/runbook-anchors';
import { type SynthesizedStack, synthesizeStack } from '../support/synth';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every alarm the dev stack has: a new alarm needs a runbook section and a line here. */
const DEV_ALARMS = [
  ...['api', 'health', 'slack-notifier', 'alert-evaluator', 'metrics-exporter'].flatMap((fn) =>
    ['errors', 'throttles', 'duration-p99'].map((kind) => `signupflow-dev-${fn}-${kind}`),
  ),
  'signupflow-dev-health-database',
  'signupflow-dev-health-redis',
  'signupflow-dev-api-5xx-rate',
  'signupflow-dev-slack-notifier-dead-letters',
  'signupflow-dev-health-probe-dead-letters',
  'signupflow-dev-alert-evaluator-schedule-dead-letters',
  'signupflow-dev-alert-evaluator-not-running',
  'signupflow-dev-alert-evaluator-rules-in-error',
  'signupflow-dev-alert-evaluator-publish-failing',
].sort();

describe('GitHub anchors of the runbook headings', () => {
  it.each([
    ['Health: database', 'health-database'],
    ['API 5xx rate', 'api-5xx-rate'],
    ['/metrics answers 503', 'metrics-answers-503'],
    ['Function duration near the timeout', 'function-duration-near-the-timeout'],
    ['The `alert_rules` table', 'the-alert_rules-table'],
    ['Set or rotate a webhook', 'set-or-rotate-a-webhook'],
    ['Retries & back-off (v2)', 'retries--back-off-v2'],
  ])('%s → #%s', (heading, anchor) => {
    expect(githubAnchor(heading)).toBe(anchor);
  });

  it('suffixes a repeated heading and ignores headings in fenced code', () => {
    const markdown = ['# Runbook', '## Check', '```bash', '# not a heading', '```', '### Check'].join('\n');

    const anchors = headingAnchors(markdown);

    expect([...anchors]).toEqual(['runbook', 'check', 'check-1']);
  });
});

describe('docs/MONITORING_RUNBOOK.md', () => {
  const runbook = readRunbook();
  const anchors = headingAnchors(runbook);

  it.each(Object.entries(RUNBOOK_SECTIONS))('has the section %s ("%s")', (section) => {
    const url = runbookUrl(section as RunbookSection);

    expect(anchors).toContain(url.slice(url.indexOf('#') + 1));
  });

  it.each(Object.values(RUNBOOK_SECTIONS))(
    '"%s" says what to check (dashboard, Logs Insights, Sentry), how to mitigate and when to escalate',
    (heading) => {
      const text = sectionText(runbook, heading);

      for (const topic of ['dashboard', 'Logs Insights', 'Sentry', '**Mitigate', '**Escalate']) {
        expect(text, topic).toContain(topic);
      }
    },
  );

  it('links only to its own headings', () => {
    const links = [...runbook.matchAll(/\]\(#([^)\s]+)\)/g)].map((match) => match[1]);

    expect(links.length).toBeGreaterThan(20);
    expect(links.filter((anchor) => !anchors.has(anchor ?? ''))).toEqual([]);
  });
});

describe('links to the runbook from the README and docs/', () => {
  const anchors = headingAnchors(readRunbook());
  const files = ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((name) => `docs/${name}`)];

  it.each(files.filter((file) => file.endsWith('.md')))('%s links only to sections that exist', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');

    const linked = [...text.matchAll(/MONITORING_RUNBOOK\.md#([\w-]+)/g)].map((match) => match[1] ?? '');

    expect(linked.filter((anchor) => !anchors.has(anchor))).toEqual([]);
  });
});

describe('describeAlarm', () => {
  it('ends the description with the link to its section', () => {
    expect(describeAlarm('Postgres is down.', 'healthDatabase')).toBe(
      'Postgres is down. Runbook: https://github.com/signupflow/monitoring/blob/main/docs/MONITORING_RUNBOOK.md#health-database',
    );
  });

  it('refuses a description CloudWatch would refuse', () => {
    expect(() => describeAlarm('x'.repeat(ALARM_DESCRIPTION_MAX_LENGTH), 'api5xxRate')).toThrow(
      /at most 1024/,
    );
  });
});

describe('the alarms of the dev stack', () => {
  let synthesized: SynthesizedStack;
  let links: AlarmLink[];
  const anchors = headingAnchors(readRunbook());

  beforeAll(() => {
    synthesized = synthesizeStack('dev');
    links = alarmLinks(synthesized.template.findResources('AWS::CloudWatch::Alarm'));
  });
  afterAll(() => synthesized?.cleanup());

  it('are the alarms the runbook covers', () => {
    expect(links.map((link) => link.alarmName).sort()).toEqual(DEV_ALARMS);
  });

  it('each link to an existing section of the runbook', () => {
    const broken = links.filter((link) => link.anchor === undefined || !anchors.has(link.anchor));

    expect(broken).toEqual([]);
  });

  it("each link to their own alarm's section", () => {
    const wrong = links
      .map(({ alarmName, anchor }) => {
        const section = expectedSection(alarmName);
        return { alarmName, anchor, expected: section && githubAnchor(RUNBOOK_SECTIONS[section]) };
      })
      .filter(({ anchor, expected }) => expected === undefined || anchor !== expected);

    expect(wrong).toEqual([]);
  });

  it('keep their descriptions within CloudWatch’s 1024 characters', () => {
    const tooLong = links.filter((link) => link.description.length > ALARM_DESCRIPTION_MAX_LENGTH);

    expect(links.length).toBeGreaterThan(0);
    expect(tooLong).toEqual([]);
  });
});
