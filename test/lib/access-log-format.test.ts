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
import { ACCESS_LOG_REQUESTS, type AccessLogRequest, accessLogLine } from '../support/access-log-lines';
import { parsedFieldNames, parseWith } from '../support/logs-insights';

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
    const [, request] = ACCESS_LOG_REQUESTS[0] as [string, AccessLogRequest];
    // Act
    const line = accessLogLine(request);
    // Assess
    expect(line).toBe('JpMLRjQXIAMEb2w= 203.0.113.27 "GET /api/events" 200 31 -');
    expect(Buffer.byteLength(line)).toBeLessThan(Buffer.byteLength(JSON.stringify(request)) / 2);
  });

  it.each(ACCESS_LOG_REQUESTS)('of %s gives back every field through the parse command', (_, request) => {
    // Act
    const fields = parseWith(ACCESS_LOG_PARSE_COMMAND, accessLogLine(request));
    // Assess
    expect(fields).toEqual(request);
  });

  it('parses a long error message of quotes and spaces in linear time', () => {
    // Prepare: a pattern open to backtracking would take seconds on this.
    const error = '" '.repeat(50_000);
    const [, request] = ACCESS_LOG_REQUESTS[1] as [string, AccessLogRequest];
    // Act
    const started = performance.now();
    const fields = parseWith(ACCESS_LOG_PARSE_COMMAND, accessLogLine({ ...request, error }));
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
