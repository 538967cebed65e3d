/**
 * `GET /` of the local server: one server-rendered page a developer keeps open while working (no front-end
 * framework, no build step). Every text it prints is escaped; it refreshes itself and reads at 375 px.
 */

export interface RuleView {
  id: string;
  name: string;
  /** OK, PENDING, FIRING, ERROR or "not evaluated yet". */
  state: string;
  error: string | null;
  lastValue: number | null;
  condition: string;
  threshold: number;
  unit: string;
  /** The rule's metric, one value (or a gap) per minute of the last hour, oldest first. */
  lastHour: (number | null)[];
}

export interface StatusView {
  generatedAt: Date;
  rules: RuleView[];
  health: { component: string; status: string; detail: string }[];
  alerts: {
    at: Date;
    kind: string;
    ruleName: string;
    /** What became of it: published, pending (retried every run), failed (refused for good), superseded, expired. */
    outcome: 'published' | 'pending' | 'failed' | 'superseded' | 'expired';
    problem: string | null;
  }[];
  refreshSeconds: number;
}

/** What the page says of a notification that was not published. */
const OUTCOME_WORDS = {
  pending: 'not delivered yet',
  failed: 'refused for good, not retried',
  superseded: 'dropped: a newer message replaced it',
  expired: 'given up: pending for 24 hours',
} as const;

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);
}

function formatNumber(value: number | null): string {
  if (value === null) return '–';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** A line of the last hour, scaled to its range, with the threshold as a dashed line when it is in range. */
export function sparklineSvg(values: (number | null)[], threshold: number, width = 120, height = 28): string {
  const present = values.filter((value): value is number => value !== null);
  const label = 'the last hour';
  if (present.length === 0) {
    return `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="no data in ${label}"></svg>`;
  }
  const low = Math.min(...present, threshold);
  const high = Math.max(...present, threshold);
  const span = high - low || 1;
  const x = (index: number) => ((index / Math.max(1, values.length - 1)) * width).toFixed(1);
  const y = (value: number) => (height - 2 - ((value - low) / span) * (height - 4)).toFixed(1);
  const segments: string[] = [];
  let segment: string[] = [];
  values.forEach((value, index) => {
    if (value === null) {
      if (segment.length > 0) segments.push(segment.join(' '));
      segment = [];
    } else {
      segment.push(`${x(index)},${y(value)}`);
    }
  });
  if (segment.length > 0) segments.push(segment.join(' '));
  const lines = segments.map(
    (points) => `<polyline points="${points}" fill="none" stroke="currentColor" stroke-width="1.5"/>`,
  );
  const thresholdLine = `<line x1="0" x2="${width}" y1="${y(threshold)}" y2="${y(threshold)}" stroke="#d00" stroke-dasharray="3 3" stroke-width="1"/>`;
  return `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${label}">${thresholdLine}${lines.join('')}</svg>`;
}

function withUnit(value: number | null, unit: string): string {
  const text = formatNumber(value);
  return escapeHtml(value === null || unit === '' ? text : unit === '%' ? `${text}%` : `${text} ${unit}`);
}

function ruleRow(rule: RuleView): string {
  const state = escapeHtml(rule.state);
  return `<tr class="rule" data-rule-id="${escapeHtml(rule.id)}" data-state="${state}">
  <td class="name">${escapeHtml(rule.name)}</td>
  <td><span class="state state-${state.toLowerCase().replace(/[^a-z]/g, '-')}">${state}</span>${
    rule.error ? `<div class="error">${escapeHtml(rule.error)}</div>` : ''
  }</td>
  <td class="num" data-label="Last value">${withUnit(rule.lastValue, rule.unit)}</td>
  <td class="num" data-label="Threshold">${escapeHtml(rule.condition)} ${withUnit(rule.threshold, rule.unit)}</td>
  <td data-label="Last hour">${sparklineSvg(rule.lastHour, rule.threshold)}</td>
</tr>`;
}

export function renderStatusPage(view: StatusView): string {
  const rules =
    view.rules.length > 0
      ? view.rules.map(ruleRow).join('\n')
      : '<tr><td colspan="5">No alert rules: add one with <code>npm run rules -- add</code>.</td></tr>';
  const health = view.health
    .map(
      (item) =>
        `<li class="component" data-component="${escapeHtml(item.component)}" data-status="${escapeHtml(item.status)}"><strong>${escapeHtml(item.component)}</strong> ${escapeHtml(item.status)} <span class="detail">${escapeHtml(item.detail)}</span></li>`,
    )
    .join('\n');
  const alerts =
    view.alerts.length > 0
      ? view.alerts
          .map(
            (alert) =>
              `<li class="alert" data-outcome="${alert.outcome}">${escapeHtml(alert.at.toISOString().slice(11, 19))} <strong>${escapeHtml(alert.kind)}</strong> ${escapeHtml(alert.ruleName)}${
                alert.outcome === 'published'
                  ? ''
                  : ` <span class="error">${OUTCOME_WORDS[alert.outcome]}${alert.problem ? `: ${escapeHtml(alert.problem)}` : ''}</span>`
              }</li>`,
          )
          .join('\n')
      : '<li>No alerts sent yet.</li>';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${view.refreshSeconds}">
<title>SignUpFlow monitoring (local)</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 12px; max-width: 960px; color: #222; }
  h1 { font-size: 18px; } h2 { font-size: 15px; margin-top: 20px; }
  .table-wrap { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
  td.num { white-space: nowrap; }
  .state { padding: 1px 6px; border-radius: 3px; background: #e8f5e9; }
  .state-firing { background: #d00; color: #fff; } .state-pending { background: #fff3cd; }
  .state-error { background: #6c757d; color: #fff; }
  .error { color: #a00; font-size: 12px; }
  ul { padding-left: 18px; } nav a { margin-right: 12px; }
  .spark { color: #246; }
  @media (max-width: 600px) {
    thead { display: none; }
    tr.rule { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 8px; padding: 8px 0; border-bottom: 1px solid #eee; }
    tr.rule td { border: 0; padding: 0; }
    tr.rule td.name { grid-column: 1 / -1; font-weight: 600; }
    tr.rule td[data-label]::before { content: attr(data-label); display: block; font-size: 11px; color: #666; }
  }
</style>
</head>
<body>
<h1>SignUpFlow monitoring (local)</h1>
<nav><a href="/metrics">/metrics</a><a href="/health">/health</a><a href="/live">/live</a></nav>
<h2>Alert rules</h2>
<div class="table-wrap"><table>
<thead><tr><th>Rule</th><th>State</th><th>Last value</th><th>Threshold</th><th>Last hour</th></tr></thead>
<tbody>
${rules}
</tbody>
</table></div>
<h2>Health</h2>
<ul>
${health}
</ul>
<h2>Last alerts</h2>
<ul>
${alerts}
</ul>
<p><small>Refreshes every ${view.refreshSeconds} s · ${escapeHtml(view.generatedAt.toISOString())}</small></p>
</body>
</html>
`;
}
