import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BriefLogFormatter } from '../../../lambdas/shared/brief-log-formatter';
import { lambdaContext } from '../../support/lambda-events';
import { type CapturedOutput, captureOutput } from '../../support/output';

const TRACE_ID = '1-6748a2c0-4a1b2c3d4e5f60718293a4b5';
/** What Lambda sets on every invocation: Sampled=0 where tracing is pass-through behind an HTTP API. */
const traceHeader = (sampled: 0 | 1) => `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=${sampled}`;

describe('BriefLogFormatter', () => {
  let output: CapturedOutput;
  afterEach(() => {
    output?.restore();
    vi.unstubAllEnvs();
  });

  function logOneLine(): Record<string, unknown> {
    output = captureOutput();
    const logger = new Logger({ serviceName: 'signupflow', logFormatter: new BriefLogFormatter() });
    logger.addContext(lambdaContext());
    logger.error('Unhandled error', { correlation_id: 'JpMLRjQXIAMEb2w=' });
    output.restore();
    return JSON.parse(output.text().trim()) as Record<string, unknown>;
  }

  it('writes level, message, time, service and the caller keys: no Lambda context, no sampling rate, no unsampled trace id', () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', traceHeader(0));
    // Act
    const line = logOneLine();
    // Assess
    expect(Object.keys(line)).toEqual(['level', 'message', 'timestamp', 'service', 'correlation_id']);
    expect(line).toMatchObject({ level: 'ERROR', service: 'signupflow', correlation_id: 'JpMLRjQXIAMEb2w=' });
  });

  it('keeps the trace id of an invocation X-Ray sampled: there is a trace to open', () => {
    // Prepare
    vi.stubEnv('_X_AMZN_TRACE_ID', traceHeader(1));
    // Act
    const line = logOneLine();
    // Assess
    expect(line.xray_trace_id).toBe(TRACE_ID);
  });
});
