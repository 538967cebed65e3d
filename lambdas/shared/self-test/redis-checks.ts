import { redisConnectionSettings, redisSettings } from '../connection-settings';
import type { DependencyCheck } from './dependency-checks';
import { secretCheck, targetOf } from './probes';
import { redisCheck } from './redis-probe';

type Env = Record<string, string | undefined>;

/** Redis's AUTH secret (when it has one) and a PING with the function's own settings. */
export function redisChecks(timeoutMs: number, env: Env = process.env): DependencyCheck[] {
  const target = targetOf(() => {
    const { host, port } = redisSettings(env);
    return `${host}:${port}`;
  });
  return [
    ...(env.REDIS_AUTH_SECRET_ARN ? [secretCheck(env.REDIS_AUTH_SECRET_ARN)] : []),
    redisCheck({ target, settings: () => redisConnectionSettings(env), timeoutMs }),
  ];
}
