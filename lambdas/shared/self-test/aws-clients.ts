/**
 * The SDK settings of a self-test's AWS calls: one attempt, a connection and a request timeout that abort (the
 * request timeout only warns without `throwOnRequestTimeout`), inside the check's own deadline.
 */
export const SELF_TEST_AWS_CLIENT_CONFIG = {
  maxAttempts: 1,
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 2_500, throwOnRequestTimeout: true },
};
