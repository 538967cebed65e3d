import { renderAccessLogLine } from '../lib/access-log-format';

/**
 * Typical values of API Gateway's `$context` variables, by kind of request: HTTP API request ids are 16
 * characters, `integrationErrorMessage` is `-` when the integration answered.
 */
const TYPICAL: Record<string, { success: string; error: string }> = {
  '$context.requestId': { success: 'JpMLRjQXIAMEb2w=', error: 'JpMLRjQXIAMEb2w=' },
  '$context.extendedRequestId': { success: 'JpMLRjQXIAMEb2w=', error: 'JpMLRjQXIAMEb2w=' },
  '$context.identity.sourceIp': { success: '203.0.113.27', error: '203.0.113.27' },
  '$context.routeKey': { success: 'GET /api/events', error: 'GET /api/events' },
  '$context.status': { success: '200', error: '500' },
  '$context.responseLatency': { success: '31', error: '48' },
  '$context.integrationLatency': { success: '28', error: '45' },
  '$context.integrationErrorMessage': { success: '-', error: '-' },
  '$context.httpMethod': { success: 'GET', error: 'GET' },
  '$context.path': { success: '/api/events', error: '/api/events' },
  '$context.protocol': { success: 'HTTP/1.1', error: 'HTTP/1.1' },
  '$context.responseLength': { success: '412', error: '74' },
  '$context.requestTime': { success: '29/Nov/2026:17:21:04 +0000', error: '29/Nov/2026:17:21:04 +0000' },
  '$context.requestTimeEpoch': { success: '1795886464123', error: '1795886464123' },
  '$context.identity.userAgent': {
    success: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
    error: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36',
  },
};

export interface AccessLogEstimate {
  successBytes: number;
  errorBytes: number;
  sample: string;
  /** Variables of the format with no typical value above: counted as 10 characters each. */
  unknownVariables: string[];
}

/**
 * The bytes of one access log line as API Gateway writes it for `format` (the stage's format string, or a
 * JSON format given as its fields, name → `$context` variable): the format with each variable replaced by
 * its typical value. An estimate, not a measurement: API Gateway cannot run here.
 */
export function estimateAccessLogBytes(format: string | Record<string, string>): AccessLogEstimate {
  const text = typeof format === 'string' ? format : JSON.stringify(format);
  const unknownVariables = new Set<string>();
  const line = (kind: 'success' | 'error') =>
    renderAccessLogLine(text, (variable) => {
      const typical = TYPICAL[variable]?.[kind];
      if (typical === undefined) unknownVariables.add(variable);
      return typical ?? 'x'.repeat(10);
    });
  const success = line('success');
  return {
    successBytes: Buffer.byteLength(success),
    errorBytes: Buffer.byteLength(line('error')),
    sample: success,
    unknownVariables: [...unknownVariables],
  };
}
