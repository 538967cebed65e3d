import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { scrubReplacer } from './scrubber';

/**
 * The one Logger, Metrics and Tracer of a Lambda environment, created once at module scope and imported
 * everywhere. Service name, namespace and log level come from the environment the stack sets
 * (POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, LOG_LEVEL).
 */
export const logger = new Logger({ jsonReplacerFn: scrubReplacer });
export const metrics = new Metrics();
export const tracer = new Tracer();
