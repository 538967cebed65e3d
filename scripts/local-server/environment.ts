import { execFileSync } from 'node:child_process';

/** What a fresh clone needs to serve locally; anything already set in the environment wins. */
export const LOCAL_DEFAULTS: Record<string, string> = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
  POWERTOOLS_SERVICE_NAME: 'signupflow',
  POWERTOOLS_METRICS_NAMESPACE: 'SignUpFlow/local',
  // EMF documents are for CloudWatch; locally they would bury the request log. Set it to false to see them.
  POWERTOOLS_METRICS_DISABLED: 'true',
  STAGE: 'local',
  SENTRY_ENVIRONMENT: 'local',
  TEST_ERROR_ROUTE: 'anonymous',
};

/** Sets the defaults that are missing; the handlers read the environment when they are first imported. */
export function applyLocalDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(LOCAL_DEFAULTS)) env[name] ??= value;
  env.GIT_COMMIT_SHA ??= currentCommit();
}

function currentCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return 'local';
  }
}
