/**
 * What a Flux query of our own dashboard refers to, checked against the measurements the export writes.
 * Bounded scanning and simple regexes (no nested quantifiers): enough for the queries we write, and strict
 * where drift would hide (a column accessed as `r["x"]`, a measurement or field compared other than with `==`).
 */

export type MeasurementSchema = Record<
  string,
  { readonly tags: readonly string[]; readonly fields: readonly string[] }
>;

/** Columns every Flux table from InfluxDB has. */
const BUILT_IN_COLUMNS = new Set(['_measurement', '_field', '_value', '_time', '_start', '_stop']);

export function fluxReferenceProblems(flux: string, schema: MeasurementSchema): string[] {
  const problems: string[] = [];
  const measurements = equalityOperands(flux, '_measurement');
  const fields = equalityOperands(flux, '_field');
  if (measurements.length === 0) problems.push('names no measurement (r._measurement == "...")');
  if (measurements.length !== occurrences(flux, 'r._measurement'))
    problems.push('compares r._measurement other than with == "..."');
  if (fields.length !== occurrences(flux, 'r._field'))
    problems.push('compares r._field other than with == "..."');
  if (flux.includes('r[')) problems.push('accesses a column as r["..."], which this check cannot follow');

  const known = measurements.filter((name) => Object.hasOwn(schema, name));
  for (const name of measurements)
    if (!Object.hasOwn(schema, name)) problems.push(`measurement "${name}" is not written by the export`);
  const tags = new Set(known.flatMap((name) => schema[name]?.tags ?? []));
  const fieldNames = new Set(known.flatMap((name) => schema[name]?.fields ?? []));
  for (const field of fields)
    if (!fieldNames.has(field))
      problems.push(`field "${field}" is not a field of ${known.join(', ') || 'it'}`);

  const defined = definedColumns(flux);
  const pivoted = flux.includes('pivot(');
  const isColumn = (name: string) =>
    BUILT_IN_COLUMNS.has(name) || tags.has(name) || defined.has(name) || (pivoted && fieldNames.has(name));
  for (const match of flux.matchAll(/\br\.(\w+)/g)) {
    const name = match[1] as string;
    if (!isColumn(name)) problems.push(`r.${name} is not a tag of ${known.join(', ') || 'it'}`);
  }
  for (const name of columnLists(flux))
    if (!isColumn(name)) problems.push(`column "${name}" is not a tag of ${known.join(', ') || 'it'}`);
  return problems;
}

/** The string operands of `r.<column> == "..."`. */
function equalityOperands(flux: string, column: string): string[] {
  const pattern = new RegExp(`\\br\\.${column}\\s*==\\s*"([^"]*)"`, 'g');
  return [...flux.matchAll(pattern)].map((match) => match[1] as string);
}

function occurrences(flux: string, text: string): number {
  return flux.split(text).length - 1;
}

/** The names in `columns: [...]` lists (group, keep, drop). */
function columnLists(flux: string): string[] {
  return [...flux.matchAll(/\bcolumns:\s*\[([^\]]*)\]/g)].flatMap((list) =>
    [...(list[1] as string).matchAll(/"([^"]*)"/g)].map((name) => name[1] as string),
  );
}

/**
 * Columns the query creates itself: keys of record literals (`{ r with total: ... }`, `{ total: 0.0 }`) and
 * `as: "..."` targets. A key counts only directly inside braces, so `float(v: ...)` does not define `v`.
 */
function definedColumns(flux: string): Set<string> {
  const defined = new Set([...flux.matchAll(/\bas:\s*"([^"]*)"/g)].map((match) => match[1] as string));
  const open: string[] = [];
  let previous = '';
  let index = 0;
  while (index < flux.length) {
    const char = flux[index] as string;
    if (char === '"') {
      index = flux.indexOf('"', index + 1);
      if (index === -1) break;
      previous = '"';
    } else if ('({['.includes(char)) {
      open.push(char);
      previous = char;
    } else if (')}]'.includes(char)) {
      open.pop();
      previous = char;
    } else if (isWordChar(char)) {
      let end = index;
      while (end < flux.length && isWordChar(flux[end] as string)) end += 1;
      const word = flux.slice(index, end);
      let after = end;
      while (flux[after] === ' ') after += 1;
      const recordKey = flux[after] === ':' && open.at(-1) === '{' && ['{', ',', 'with'].includes(previous);
      if (recordKey) defined.add(word);
      previous = word;
      index = end;
      continue;
    } else if (char.trim() !== '') {
      previous = char;
    }
    index += 1;
  }
  return defined;
}

function isWordChar(char: string): boolean {
  return (
    (char >= 'a' && char <= 'z') ||
    (char >= 'A' && char <= 'Z') ||
    (char >= '0' && char <= '9') ||
    char === '_'
  );
}
