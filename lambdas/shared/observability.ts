import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { scrubReplacer } from './scrubber';
import { importTracer } from './side-bundles';

/**
 * The one Logger, Metrics and Tracer of a Lambda environment, created once and imported everywhere. Service
 * name, namespace and log level come from the environment the stack sets (POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_METRICS_NAMESPACE, LOG_LEVEL).
 */
export const logger = new Logger({ jsonReplacerFn: scrubReplacer });
export const metrics = new Metrics();

let tracer: Promise<Tracer | undefined> | undefined;

/** Whether X-Ray sampled this invocation: Lambda sets the trace header of each invocation in the environment. */
export function invocationSampled(): boolean {
  return /(?:^|;)Sampled=1(?:;|$)/.test(process.env._X_AMZN_TRACE_ID ?? '');
}

/**
 * The tracer, for an invocation X-Ray sampled; undefined otherwise. The X-Ray SDK under it costs about 100 KB
 * and 20 ms at load, so it is loaded (from its side bundle) at the first sampled invocation: never where
 * tracing is pass-through behind an HTTP API, which samples nothing. A failed load is retried at the next one.
 */
export function sampledTracer(): Promise<Tracer | undefined> | undefined {
  if (!invocationSampled()) return undefined;
  tracer ??= importTracer().then(
    (module) => new module.Tracer(),
    (error: unknown) => {
      tracer = undefined;
      logger.warn('The X-Ray tracer could not be loaded: this invocation is not traced', {
        reason: String(error),
      });
      return undefined;
    },
  );
  return tracer;
}
