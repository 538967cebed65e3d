import { RemovalPolicy } from 'aws-cdk-lib';
import type { StageConfig } from './config';

/**
 * What a production stage keeps when the stack is deleted or a resource replaced (its key, logs, dead letters
 * and webhook secrets), and never after a rolled-back first create (`DeletionPolicy: RetainExceptOnCreate`):
 * a named resource kept then would make the retry fail with "already exists". Other stages keep nothing.
 */
export function keptInProduction(config: Pick<StageConfig, 'production'>): RemovalPolicy {
  return config.production ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
}
