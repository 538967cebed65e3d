import { describe, expect, it } from 'vitest';
import { RUNBOOK_SECTIONS } from '../../lib/runbook';
import { ACCESS_LOG_REQUESTS, accessLogLine } from '../support/access-log-lines';
import { parsedFieldNames, parseWith } from '../support/logs-insights';
import { readRunbook, sectionText } from '../support/runbook-anchors';

/** The Logs Insights queries of fenced code blocks that parse @message, each on one line. */
function parseQueries(markdown: string): string[] {
  const blocks = markdown.split(/^\s*```[^\n]*$/m).filter((_, index) => index % 2 === 1);
  return blocks
    .map((block) =>
      block
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
        .join(' '),
    )
    .filter((query) => query.includes('parse @message'));
}

function parseCommandOf(query: string): string {
  const command = /parse @message \/(?:[^/\\]|\\.)*\//.exec(query)?.[0];
  if (!command) throw new Error(`no regex-mode parse command in: ${query}`);
  return command;
}

/** The fields a query uses after its parse command: in `filter`, `stats ... by` and `sort`. */
function fieldsUsed(query: string): string[] {
  const rest = query.slice(query.indexOf(parseCommandOf(query)) + parseCommandOf(query).length);
  const filtered = [...rest.matchAll(/\bfilter (\w+)/g)].map((match) => match[1] ?? '');
  const grouped = [...rest.matchAll(/\bby ([\w, ]+?)\s*(?:\||$)/g)].flatMap((match) =>
    (match[1] ?? '').split(',').map((name) => name.trim()),
  );
  return [...new Set([...filtered, ...grouped])];
}

describe("the runbook's Logs Insights queries on the access log group", () => {
  const runbook = readRunbook();
  const queries = parseQueries(runbook);

  it('are in the API 5xx rate section', () => {
    // Assess
    expect(queries.length).toBeGreaterThan(0);
    const section = sectionText(runbook, RUNBOOK_SECTIONS.api5xxRate);
    for (const query of queries) expect(section).toContain(parseCommandOf(query));
  });

  describe.each(queries)('%s', (query) => {
    const command = parseCommandOf(query);

    it.each(ACCESS_LOG_REQUESTS)("extracts every field of %s's line", (_, request) => {
      // Act
      const fields = parseWith(command, accessLogLine(request));
      // Assess
      expect(fields).toEqual(request);
    });

    it('uses only fields its parse command extracts', () => {
      // Act
      const used = fieldsUsed(query);
      // Assess
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((name) => !parsedFieldNames(command).includes(name))).toEqual([]);
    });
  });
});
