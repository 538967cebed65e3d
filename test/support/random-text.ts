/**
 * Seeded random text for test corpora: the same seed gives the same tokens on every run, so a figure measured
 * on a corpus is reproducible, and no secret-looking literal is committed to the repository.
 */
export interface RandomText {
  pick(alphabet: string, length: number): string;
  alnum(length: number): string;
  upperAlnum(length: number): string;
  lowerAlnum(length: number): string;
  letters(length: number): string;
  hex(length: number): string;
  upperHex(length: number): string;
  digits(length: number): string;
  base64(length: number): string;
  base64url(length: number): string;
  uuid(): string;
  int(below: number): number;
  oneOf<T>(items: readonly T[]): T;
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** mulberry32: small, fast and well spread; enough for test data (not for keys). */
function mulberry32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function randomText(seed: number): RandomText {
  const next = mulberry32(seed);
  const int = (below: number) => Math.floor(next() * below);
  const pick = (alphabet: string, length: number) => {
    let text = '';
    for (let index = 0; index < length; index++) text += alphabet[int(alphabet.length)];
    return text;
  };
  const hex = (length: number) => pick('0123456789abcdef', length);
  return {
    pick,
    alnum: (length) => pick(UPPER + LOWER + DIGITS, length),
    upperAlnum: (length) => pick(UPPER + DIGITS, length),
    lowerAlnum: (length) => pick(LOWER + DIGITS, length),
    letters: (length) => pick(UPPER + LOWER, length),
    hex,
    upperHex: (length) => pick('0123456789ABCDEF', length),
    digits: (length) => pick(DIGITS, length),
    base64: (length) => pick(`${UPPER}${LOWER}${DIGITS}+/`, length),
    base64url: (length) => pick(`${UPPER}${LOWER}${DIGITS}-_`, length),
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick('89ab', 1)}${hex(3)}-${hex(12)}`,
    int,
    oneOf: (items) => items[int(items.length)] as (typeof items)[number],
  };
}
