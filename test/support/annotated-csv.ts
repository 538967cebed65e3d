/**
 * Flux query results as InfluxDB 2.x sends them: annotated CSV with `#datatype`, `#group` and `#default`
 * rows, then the header `,result,table,_start,_stop,_time,_value,_field,_measurement,<tags>`, CRLF line ends.
 */

export type QueryCell = string | number | boolean | Date | null | undefined;

/** One result row as a test describes it; `table` (default 0) is the Flux table the row belongs to. */
export type QueryRow = { table?: number } & Record<string, QueryCell>;

const LEADING_COLUMNS = ['_start', '_stop', '_time', '_value', '_field', '_measurement'];
const TIME_COLUMNS = new Set(['_start', '_stop', '_time']);
/** Columns that are not part of a Flux table's group key; everything else (tags, _field...) is. */
const UNGROUPED_COLUMNS = new Set(['result', 'table', '_time', '_value']);

export function toAnnotatedCsv(rows: readonly QueryRow[]): string {
  if (rows.length === 0) return '\r\n';
  const present = new Set(rows.flatMap((row) => Object.keys(row)).filter((key) => key !== 'table'));
  const columns = [
    ...LEADING_COLUMNS.filter((column) => present.has(column)),
    ...[...present].filter((column) => !LEADING_COLUMNS.includes(column)).sort(),
  ];
  const header = ['result', 'table', ...columns];
  const lines = [
    ['#datatype', 'string', 'long', ...columns.map((column) => dataType(column, rows))],
    ['#group', ...header.map((column) => String(!UNGROUPED_COLUMNS.has(column)))],
    ['#default', '_result', '', ...columns.map(() => '')],
    ['', ...header],
    ...rows.map((row) => ['', '', String(row.table ?? 0), ...columns.map((column) => cellText(row[column]))]),
  ];
  return `${lines.map((cells) => cells.map(csvEscape).join(',')).join('\r\n')}\r\n\r\n`;
}

function dataType(column: string, rows: readonly QueryRow[]): string {
  if (TIME_COLUMNS.has(column)) return 'dateTime:RFC3339';
  const sample = rows.map((row) => row[column]).find((cell) => cell !== null && cell !== undefined);
  if (typeof sample === 'number') return 'double';
  if (typeof sample === 'boolean') return 'boolean';
  if (sample instanceof Date) return 'dateTime:RFC3339';
  return 'string';
}

function cellText(cell: QueryCell): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell);
}

function csvEscape(cell: string): string {
  if (!/[",\r\n]/.test(cell)) return cell;
  return `"${cell.replaceAll('"', '""')}"`;
}
