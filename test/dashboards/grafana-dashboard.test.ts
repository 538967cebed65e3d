import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INFLUX_MEASUREMENTS } from '../../lambdas/shared/metrics-snapshot';
import { fluxReferenceProblems } from './flux-references';
import { loadFluxSemanticCheck } from './flux-semantic-check';

interface Target {
  refId: string;
  query: string;
  datasource: unknown;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource: unknown;
  gridPos: { x: number; y: number; w: number; h: number };
  targets: Target[];
}

const dashboard = JSON.parse(
  readFileSync(join(__dirname, '../../dashboards/grafana-signupflow.json'), 'utf8'),
);
const panels: Panel[] = dashboard.panels;
const targets = panels.flatMap((panel) =>
  panel.targets.map((target) => ({ name: `${panel.title} / ${target.refId}`, query: target.query })),
);
// Grafana's `${...}` variables, replaced on import and at query time: not JavaScript templates.
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's data source input
const INFLUX_DATA_SOURCE = { type: 'influxdb', uid: '${DS_INFLUXDB}' };
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's dashboard variable
const FROM_BUCKET_VARIABLE = 'from(bucket: "${bucket}")';

/** The query as Grafana sends it: the `v` record filled in, the bucket variable replaced. */
function asGrafanaSendsIt(query: string): string {
  const v =
    'v = { timeRangeStart: 2026-11-30T00:00:00Z, timeRangeStop: 2026-11-30T06:00:00Z, windowPeriod: 1m }';
  return `${v}\n${query.replaceAll(FROM_BUCKET_VARIABLE, 'from(bucket: "signupflow")')}`;
}

function queryOf(title: string): string {
  const query = panels.find((panel) => panel.title === title)?.targets[0]?.query;
  if (query === undefined) throw new Error(`no panel "${title}"`);
  return query;
}

describe('Grafana dashboard dashboards/grafana-signupflow.json', () => {
  it('is importable: one InfluxDB data source input, the plugins it requires, a schema version', () => {
    // Assess
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_INFLUXDB', type: 'datasource', pluginId: 'influxdb' }),
    ]);
    const required = dashboard.__requires.map(
      (entry: { type: string; id: string }) => `${entry.type}:${entry.id}`,
    );
    expect(required).toEqual(expect.arrayContaining(['grafana:grafana', 'datasource:influxdb']));
    for (const type of new Set(panels.map((panel) => panel.type)))
      expect(required).toContain(`panel:${type}`);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(41);
    expect(dashboard.id).toBeNull();
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
  });

  it('queries the imported InfluxDB data source from every panel and every target', () => {
    // Assess
    expect(panels.length).toBeGreaterThan(0);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(INFLUX_DATA_SOURCE);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.datasource, panel.title).toEqual(INFLUX_DATA_SOURCE);
    }
  });

  it('reads the bucket variable and the dashboard time range in every query', () => {
    // Assess
    const variables = dashboard.templating.list.map((variable: { name: string }) => variable.name);
    expect(variables).toContain('bucket');
    for (const { name, query } of targets) {
      expect(query, name).toContain(FROM_BUCKET_VARIABLE);
      expect(query, name).toContain('range(start: v.timeRangeStart, stop: v.timeRangeStop)');
    }
  });

  it('lays the panels out on the 24-column grid without overlaps', () => {
    // Assess
    const overlaps = (a: Panel['gridPos'], b: Panel['gridPos']) =>
      a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
    for (const [index, panel] of panels.entries()) {
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
      for (const other of panels.slice(index + 1))
        expect(overlaps(panel.gridPos, other.gridPos), `${panel.title} / ${other.title}`).toBe(false);
    }
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
  });

  it.each(targets)('$name names only measurements, fields and tags the export writes', ({ query }) => {
    // Act
    const problems = fluxReferenceProblems(query, INFLUX_MEASUREMENTS);

    // Assess
    expect(problems).toEqual([]);
  });

  it('shows every measurement and field the issue asks for', () => {
    // Prepare
    const shown = new Set(
      targets.flatMap(({ query }) => {
        const measurement = /r\._measurement == "(\w+)"/.exec(query)?.[1];
        return [...query.matchAll(/r\._field == "(\w+)"/g)].map((field) => `${measurement}.${field[1]}`);
      }),
    );

    // Assess
    expect([...shown].sort()).toEqual(
      expect.arrayContaining([
        'alert_rules.firing',
        'health.healthy',
        'http_request_duration.p50_ms',
        'http_request_duration.p90_ms',
        'http_request_duration.p99_ms',
        'http_requests.count',
        'lambda.errors',
        'lambda.throttles',
        'notifier.dead_letters',
        'notifier.delivered',
      ]),
    );
    expect(queryOf('5xx rate')).toContain('r.status_code =~ /^5/');
  });
});

describe('the drift check', () => {
  it.each([
    [
      'a field the measurement lacks',
      'Latency by route (p50, p90, p99)',
      '"p99_ms"',
      '"p999_ms"',
      'field "p999_ms"',
    ],
    [
      'a measurement the export does not write',
      'Request rate',
      '"http_requests"',
      '"requests"',
      'measurement "requests"',
    ],
    ['a tag the measurement lacks', '5xx rate', 'r.status_code', 'r.status', 'r.status is not a tag'],
    ['a grouping column that is no tag', 'Requests by route', '["endpoint"]', '["route"]', 'column "route"'],
    ['a field of another measurement', 'Health per component', '"healthy"', '"firing"', 'field "firing"'],
    ['a column accessed by index', 'Health per component', 'r._field ==', 'r["_field"] ==', 'r["..."]'],
    [
      'a field compared with a regex',
      'Lambda p99 duration',
      'r._field ==',
      'r._field =~',
      'r._field other than',
    ],
  ])('reports %s', (_case, title, from, to, problem) => {
    // Prepare
    const drifted = queryOf(title).replace(from, to);
    expect(drifted).not.toBe(queryOf(title));

    // Act
    const problems = fluxReferenceProblems(drifted, INFLUX_MEASUREMENTS);

    // Assess
    expect(problems.join('\n')).toContain(problem);
  });
});

describe('Flux type check of the dashboard queries', () => {
  let isValidFlux: (script: string) => boolean;

  beforeAll(async () => {
    isValidFlux = await loadFluxSemanticCheck();
  });

  it.each(targets)('$name parses and type-checks as Flux', ({ query }) => {
    // Act
    const valid = isValidFlux(asGrafanaSendsIt(query));

    // Assess
    expect(valid).toBe(true);
  });

  it.each([
    ['an unknown function', 'Request rate', 'aggregateWindow(', 'aggregateWindw('],
    ['an argument the function lacks', 'Health per component', 'range(start:', 'range(begin:'],
    ['an argument of the wrong type', '5xx rate', 'window(every: inf)', 'window(every: "inf")'],
    ['an unclosed call', 'Lambda p99 duration', 'createEmpty: false)', 'createEmpty: false'],
  ])('rejects %s', (_case, title, from, to) => {
    // Prepare
    const broken = queryOf(title).replace(from, to);
    expect(broken).not.toBe(queryOf(title));

    // Act
    const valid = isValidFlux(asGrafanaSendsIt(broken));

    // Assess
    expect(valid).toBe(false);
  });
});
