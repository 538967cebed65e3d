import { withObservability } from '../../lambdas/shared/with-observability';
import { bare } from './warm-bare';

/** The bare handler and the same handler under `withObservability`, for the warm-overhead benchmark. */
export { bare };
export const wrapped = withObservability(bare);
