import { describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_FIELDS,
  ACCESS_LOG_FORMAT,
  ACCESS_LOG_PARSE_COMMAND,
  type AccessLogField,
  accessLogFormat,
  accessLogParseCommand,
  renderAccessLogLine,
} from '../../lib/access-log-format';
import { parsedFieldNames, parseWith } from '../support/logs-insights';

/** Field values of one request, by field name. */
type Request = Record<string, string>;

/** The line API Gateway writes for a request in the stage's format. */
function lineOf(request: Request): string {
  return renderAccessLogLine(ACCESS_LOG_FORMAT, (variable) => {
    const field = ACCESS_LOG_FIELDS.find((candidate) => candidate.variable === variable);
    if (!field) throw new Error(`no field writes ${variable}`);
    return request[field.name] ?? '-';
  });
}

const REQUESTS: [string, Request][] = [
  [
    'a 2xx',
    {
      requestId: 'JpMLRjQXIAMEb2w=',
      ip: '203.0.113.27',
      route: 'GET /api/events',
      status: '200',
      latency: '31',
      error: '-',
    },
  ],
  [
    'an integration failure whose message has spaces and quotes',
    {
      requestId: 'JpMNpiFpIAMEb8Q=',
      ip: '2001:db8::8a2e:370:7334',
      route: 'POST /api/trigger-test-error',
      status: '500',
      latency: '10012',
      error: 'The Lambda function returned the following error: "Task timed out" after "10.01 seconds" ',
    },
  ],
  [
    'a request no route matched',
    {
      requestId: 'JpMQ1hG4IAMEbOA=',
      ip: '198.51.100.4',
      route: '-',
      status: '404',
      latency: '1',
      error: '-',
    },
  ],
  [
    'the default route, without a latency',
    {
      requestId: 'JpMSgjzPIAMEbVw=',
      ip: '198.51.100.4',
      route: '$default',
      status: '502',
      latency: '-',
      error: 'Internal Server Error',
    },
  ],
  [
    'a route with a path parameter',
    {
      requestId: 'JpMUzBV0IAMEb1g=',
      ip: '192.0.2.10',
      route: 'GET /api/events/{id}',
      status: '503',
      latency: '29',
      error: '-',
    },
  ],
];

describe('the access log line', () => {
  it('is the fields in their documented order, space-separated, the route key quoted', () => {
    // Assess
    expect(ACCESS_LOG_FORMAT).toBe(
      '$context.requestId $context.identity.sourceIp "$context.routeKey" $context.status $context.responseLatency $context.integrationErrorMessage',
    );
    expect(ACCESS_LOG_FIELDS.map((field) => field.name)).toEqual([
      'requestId',
      'ip',
      'route',
      'status',
      'latency',
      'error',
    ]);
  });

  it('is about half the bytes of the same fields in JSON', () => {
    // Prepare
    const [, request] = REQUESTS[0] as [string, Request];
    // Act
    const line = lineOf(request);
    // Assess
    expect(line).toBe('JpMLRjQXIAMEb2w= 203.0.113.27 "GET /api/events" 200 31 -');
    expect(Buffer.byteLength(line)).toBeLessThan(Buffer.byteLength(JSON.stringify(request)) / 2);
  });

  it.each(REQUESTS)('of %s gives back every field through the parse command', (_, request) => {
    // Act
    const fields = parseWith(ACCESS_LOG_PARSE_COMMAND, lineOf(request));
    // Assess
    expect(fields).toEqual(request);
  });

  it('parses a long error message of quotes and spaces in linear time', () => {
    // Prepare: a pattern open to backtracking would take seconds on this.
    const error = '" '.repeat(50_000);
    const [, request] = REQUESTS[1] as [string, Request];
    // Act
    const started = performance.now();
    const fields = parseWith(ACCESS_LOG_PARSE_COMMAND, lineOf({ ...request, error }));
    // Assess
    expect(fields?.error).toBe(error);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('defines one Logs Insights field per access log field', () => {
    expect(parsedFieldNames(ACCESS_LOG_PARSE_COMMAND)).toEqual(ACCESS_LOG_FIELDS.map((field) => field.name));
  });

  it('refuses a field that takes the rest of the line anywhere but last', () => {
    // Prepare
    const fields: AccessLogField[] = [
      { name: 'error', variable: '$context.integrationErrorMessage', shape: 'rest' },
      { name: 'status', variable: '$context.status', shape: 'token' },
    ];
    // Act + Assess
    expect(() => accessLogFormat(fields)).toThrow(/'error' takes the rest of the line/);
    expect(() => accessLogParseCommand(fields)).toThrow(/must be the last field/);
  });

  it('refuses a name Logs Insights cannot extract a field as', () => {
    // Prepare
    const fields: AccessLogField[] = [{ name: 'request-id', variable: '$context.requestId', shape: 'token' }];
    // Act + Assess
    expect(() => accessLogParseCommand(fields)).toThrow(/'request-id' is not a name/);
  });

  it('renders variables next to punctuation and leaves a `$` in a value alone', () => {
    // Act
    const line = renderAccessLogLine('[$context.requestTime] {"route":"$context.routeKey"}.', (variable) =>
      variable === '$context.routeKey' ? '$default' : '29/Nov/2026:17:21:04 +0000',
    );
    // Assess
    expect(line).toBe('[29/Nov/2026:17:21:04 +0000] {"route":"$default"}.');
  });
});
