/**
 * The HTTP API's access log line: the fields people use and nothing else, space-separated in a fixed order,
 * as API Gateway's CLF-like formats are (about 56 bytes a request, against 120 for the same fields in JSON).
 * The stage's format, the runbook's Logs Insights `parse` command and the cost estimate are all built from
 * ACCESS_LOG_FIELDS.
 */

/**
 * How a value is written: `token` has no spaces; `quoted` may have spaces but no double quote and is written
 * in double quotes; `rest` may hold anything (spaces, quotes) and is the last field, up to the end of the line.
 */
export type AccessLogFieldShape = 'token' | 'quoted' | 'rest';

export interface AccessLogField {
  /** The name the runbook's queries extract it as. */
  readonly name: string;
  /** The API Gateway variable written in its place (`-` when it has no value). */
  readonly variable: string;
  readonly shape: AccessLogFieldShape;
}

export const ACCESS_LOG_FIELDS: readonly AccessLogField[] = [
  { name: 'requestId', variable: '$context.requestId', shape: 'token' },
  { name: 'ip', variable: '$context.identity.sourceIp', shape: 'token' },
  // `GET /api/events`, `$default`, or `-` when no route matched.
  { name: 'route', variable: '$context.routeKey', shape: 'quoted' },
  { name: 'status', variable: '$context.status', shape: 'token' },
  { name: 'latency', variable: '$context.responseLatency', shape: 'token' },
  // API Gateway's own text, with spaces and sometimes quotes; `-` when the integration answered.
  { name: 'error', variable: '$context.integrationErrorMessage', shape: 'rest' },
];

/** Refuses a field list whose lines could not be split back into fields. */
function checked(fields: readonly AccessLogField[]): readonly AccessLogField[] {
  const rest = fields.findIndex((field) => field.shape === 'rest');
  if (rest >= 0 && rest !== fields.length - 1) {
    throw new Error(`'${fields[rest]?.name}' takes the rest of the line: it must be the last field`);
  }
  for (const field of fields) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field.name)) {
      throw new Error(`'${field.name}' is not a name Logs Insights can extract a field as`);
    }
  }
  return fields;
}

/** The stage's access log format: each variable in its place, space-separated. */
export function accessLogFormat(fields: readonly AccessLogField[]): string {
  return checked(fields)
    .map(({ variable, shape }) => (shape === 'quoted' ? `"${variable}"` : variable))
    .join(' ');
}

/**
 * The Logs Insights command that extracts every field of a line under its name. A regular expression rather
 * than a glob: each field's match is explicit (a token stops at a space, a quoted value at its closing quote,
 * the last field takes the rest of the line), and it needs no backtracking.
 */
export function accessLogParseCommand(fields: readonly AccessLogField[]): string {
  const pattern = checked(fields)
    .map(({ name, shape }) => {
      if (shape === 'quoted') return `"(?<${name}>[^"]*)"`;
      if (shape === 'rest') return `(?<${name}>.*)`;
      return `(?<${name}>\\S+)`;
    })
    .join(' ');
  return `parse @message /^${pattern}/`;
}

export const ACCESS_LOG_FORMAT = accessLogFormat(ACCESS_LOG_FIELDS);
export const ACCESS_LOG_PARSE_COMMAND = accessLogParseCommand(ACCESS_LOG_FIELDS);

const CONTEXT_VARIABLE = /\$context\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*/g;

/** A line as API Gateway writes it for an access log format: each `$context` variable replaced by its value. */
export function renderAccessLogLine(format: string, valueFor: (variable: string) => string): string {
  return format.replace(CONTEXT_VARIABLE, (variable) => valueFor(variable));
}
