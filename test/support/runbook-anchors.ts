import { readFileSync } from 'node:fs';
import path from 'node:path';
import { githubAnchor, RUNBOOK_PATH, RUNBOOK_URL, type RunbookSection } from '../../lib/runbook';

export function readRunbook(): string {
  return readFileSync(path.resolve(__dirname, '..', '..', RUNBOOK_PATH), 'utf8');
}

/**
 * The anchors GitHub gives a Markdown file's headings: one per ATX heading outside fenced code, a repeated
 * slug suffixed `-1`, `-2`, … as GitHub does.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    if (inFence) continue;
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = githubAnchor(heading[1] ?? '');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The anchor of the first runbook link in a text, or undefined when it has none. */
export function runbookAnchorIn(text: string): string | undefined {
  const start = text.indexOf(`${RUNBOOK_URL}#`);
  if (start < 0) return undefined;
  const rest = text.slice(start + RUNBOOK_URL.length + 1);
  const end = rest.search(/[\s)"'`]|$/);
  return rest.slice(0, end);
}

export interface AlarmLink {
  alarmName: string;
  description: string;
  anchor: string | undefined;
}

/** Every `AWS::CloudWatch::Alarm` of a template, with its description's runbook anchor. */
export function alarmLinks(resources: Record<string, Record<string, unknown>>): AlarmLink[] {
  return Object.values(resources).map((resource) => {
    const properties = (resource.Properties ?? {}) as Record<string, unknown>;
    const description = typeof properties.AlarmDescription === 'string' ? properties.AlarmDescription : '';
    return {
      alarmName: String(properties.AlarmName),
      description,
      anchor: runbookAnchorIn(description),
    };
  });
}

/** The section an alarm should link to, by its name's suffix; undefined for an alarm the runbook does not know. */
export function expectedSection(alarmName: string): RunbookSection | undefined {
  const bySuffix: [string, RunbookSection][] = [
    ['-slack-notifier-dead-letters', 'notifierDeadLetters'],
    ['-dead-letters', 'scheduledTargetDeadLetters'],
    ['-health-database', 'healthDatabase'],
    ['-health-redis', 'healthRedis'],
    ['-api-5xx-rate', 'api5xxRate'],
    ['-alert-evaluator-not-running', 'evaluatorNotRunning'],
    ['-alert-evaluator-rules-in-error', 'rulesInError'],
    ['-alert-evaluator-publish-failing', 'notificationsFailing'],
    ['-errors', 'functionErrors'],
    ['-throttles', 'functionThrottles'],
    ['-duration-p99', 'functionDuration'],
  ];
  return bySuffix.find(([suffix]) => alarmName.endsWith(suffix))?.[1];
}

/** A section's text, from its heading to the next heading of the same or a higher level, spaces collapsed. */
export function sectionText(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '') === heading);
  if (start < 0) return '';
  const level = (lines[start] ?? '').indexOf(' ');
  const next = lines.findIndex(
    (line, index) => index > start && /^#{1,6} /.test(line) && line.indexOf(' ') <= level,
  );
  return lines
    .slice(start + 1, next < 0 ? undefined : next)
    .join(' ')
    .replace(/\s+/g, ' ');
}
