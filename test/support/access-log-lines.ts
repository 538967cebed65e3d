import { ACCESS_LOG_FIELDS, ACCESS_LOG_FORMAT, renderAccessLogLine } from '../../lib/access-log-format';

/** Field values of one request, by field name. */
export type AccessLogRequest = Record<string, string>;

/** The line API Gateway writes for a request in the stage's format. */
export function accessLogLine(request: AccessLogRequest): string {
  return renderAccessLogLine(ACCESS_LOG_FORMAT, (variable) => {
    const field = ACCESS_LOG_FIELDS.find((candidate) => candidate.variable === variable);
    if (!field) throw new Error(`no field writes ${variable}`);
    return request[field.name] ?? '-';
  });
}

/** Requests whose lines are hard to split: spaces and quotes in the error, spaces in the route, `-` values. */
export const ACCESS_LOG_REQUESTS: [string, AccessLogRequest][] = [
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
