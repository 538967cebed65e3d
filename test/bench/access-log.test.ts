import { describe, expect, it } from 'vitest';
import { estimateAccessLogBytes } from '../../bench/access-log';

describe('the access log estimate', () => {
  it('replaces each variable of a format string by its typical value', () => {
    // Act
    const estimate = estimateAccessLogBytes('$context.requestId "$context.routeKey" $context.status');
    // Assess
    expect(estimate).toEqual({
      successBytes: Buffer.byteLength('JpMLRjQXIAMEb2w= "GET /api/events" 200'),
      errorBytes: Buffer.byteLength('JpMLRjQXIAMEb2w= "GET /api/events" 500'),
      sample: 'JpMLRjQXIAMEb2w= "GET /api/events" 200',
      unknownVariables: [],
    });
  });

  it('still takes a JSON format as its fields', () => {
    // Act
    const estimate = estimateAccessLogBytes({
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    // Assess
    expect(estimate.sample).toBe('{"status":"200","latency":"31"}');
    expect(estimate.errorBytes).toBe(Buffer.byteLength('{"status":"500","latency":"48"}'));
  });

  it('counts a variable it has no typical value for as 10 characters, and names it', () => {
    // Act
    const estimate = estimateAccessLogBytes('$context.status $context.awsEndpointRequestId.');
    // Assess
    expect(estimate.sample).toBe('200 xxxxxxxxxx.');
    expect(estimate.unknownVariables).toEqual(['$context.awsEndpointRequestId']);
  });
});
