/**
 * Texts that made the old scrubber backtrack (runs of key words, long alphanumeric, hex, digit and `@` runs)
 * and texts aimed at each of today's patterns, all of one length. Shared by the blow-up test and
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
  ];
  return units.map(([name, unit]) => ({ name, text: runOf(unit, length) }));
}
