import type * as iam from 'aws-cdk-lib/aws-iam';
import type { RedisEndpoint } from './data-stores';
import { grantSecretRead, type KeyedSecret } from './imported-secret';

/**
 * How functions reach Redis: the endpoint (and the name on its certificate when the host is an alias) as
 * environment variables, and the AUTH user and password, when Redis asks for them, in a secret only granted
 * functions read (`lambdas/shared/connection-settings.ts`, `redisConnectionSettings`).
 */
export class RedisAccess {
  readonly environment: Record<string, string>;
  readonly #auth: KeyedSecret | undefined;

  constructor(endpoint: RedisEndpoint, auth: KeyedSecret | undefined) {
    this.#auth = auth;
    this.environment = {
      REDIS_HOST: endpoint.host,
      REDIS_PORT: String(endpoint.port),
      REDIS_TLS: String(endpoint.tls),
      ...(endpoint.tlsServerName && { REDIS_TLS_SERVER_NAME: endpoint.tlsServerName }),
      ...(auth && { REDIS_AUTH_SECRET_ARN: auth.secret.secretArn }),
    };
  }

  grantRead(grantee: iam.IGrantable): void {
    if (this.#auth) grantSecretRead(this.#auth, grantee);
  }
}
