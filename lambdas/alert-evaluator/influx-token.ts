/** An InfluxDB token given as is, or a function that reads it (from Secrets Manager) when it is needed. */
export type InfluxToken = string | (() => Promise<string>);

export function resolveToken(token: InfluxToken): Promise<string> {
  return typeof token === 'string' ? Promise.resolve(token) : token();
}
