/**
 * Texts that made the old scrubber backtrack (runs of key words, long alphanumeric, hex, digit and `@` runs)
 * and texts aimed at each of today's patterns (the union of the vendor formats included), all of one length. Shared by the blow-up test and
 * `npm run bench`.
 */
export const ADVERSARIAL_LENGTH = 256 * 1024;

const KEY_WORDS = [
  'authorization',
  'cookie',
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pass',
  'auth',
  'secret',
  'token',
  'tokens',
  'api_key',
  'dsn',
  'webhook',
  'credential',
  'private_key',
  'connection_string',
  'session_id',
  'signature',
];

/** One unit repeated and cut to `length` characters. */
export function runOf(unit: string, length = ADVERSARIAL_LENGTH): string {
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export function adversarialTexts(length = ADVERSARIAL_LENGTH): { name: string; text: string }[] {
  const units: [string, string][] = [
    ...KEY_WORDS.map((word): [string, string] => [`run of ${word}`, word]),
    ['alphanumeric run', 'abc123XYZ'],
    ['hex run', '0123456789abcdef'],
    ['digit run', '7'],
    ['@ run', '@'],
    ['a@ run', 'a@'],
    ['dotted run', 'a.'],
    ['a.b@c run', 'a.b@c'],
    ['scheme and colon run', 'x://:'],
    ['JWT-start run', 'eyJaaaaa.'],
    ['PEM BEGIN run', '-----BEGIN RSA PRIVATE KEY-----'],
    ['unclosed quoted values', 'password="'],
    ['key = run', 'password='],
    ['cookie header run', 'cookie:'],
    ['Bearer run', 'Bearer '],
    ['Slack token run', 'xoxb-'],
    ['Stripe key run', 'sk_live_'],
    ['whitespace run', ' '],
    // Aimed at the vendor formats, the context patterns and the random-token rule.
    ['vendor prefixes run', 'ghp_AKIAsk-xoxb-glpat-AIzaSG.hvs.sntrys_npm_dp.pt.ATATT3EAAA'],
    ['vendor prefixes after slashes', 'glc_/fm2_/ops_eyJ/'],
    ['URL-safe base64 run', 'aB3-dE6_gH9'],
    ['random-looking tokens with spaces', 'Xk9fT2qZaB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV '],
    ['path segments run', 'reset/Xk9fT2qZ/'],
    ['key-like names run', 'sentry_key=a1'],
    ['query parameters run', '?sig=&key=%3Fcode%3D'],
    ['URL user info run', 'x://a1b2c3d4e5f6g7h8@'],
    ['Teams webhook host run', 'a.webhook.office.com/'],
    ['curl user run', '-u=-u '],
  ];
  return units.map(([name, unit]) => ({ name, text: runOf(unit, length) }));
}
