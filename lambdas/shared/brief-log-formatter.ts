import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { invocationSampled } from './observability';

/**
 * The format of the per-request error line: Powertools' level, message, timestamp and service, and none of
 * what each such line would repeat. No Lambda context (the log group names the function), no debug sampling
 * rate, and the X-Ray trace id only when X-Ray sampled the invocation: Lambda sets one on every invocation,
 * but behind an HTTP API (pass-through tracing) it names no trace, and the line's correlation id finds the
 * request instead.
 */
export class BriefLogFormatter extends LogFormatter {
  override formatAttributes(
    attributes: UnformattedAttributes,
    additionalLogAttributes: LogAttributes,
  ): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        ...(invocationSampled() && { xray_trace_id: attributes.xRayTraceId }),
      },
    }).addAttributes(additionalLogAttributes);
  }
}
