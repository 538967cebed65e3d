import { naiveObservability } from './naive-observability';
import { bare } from './warm-bare';

/** The bare handler and the same handler under the naive composition, for the warm-overhead benchmark. */
export { bare };
export const wrapped = naiveObservability(bare);
