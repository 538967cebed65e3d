/**
 * Secrets of no known format, recognised by their shape: a long token of random-looking letters and digits
 * (an API key, a base64 or base64url secret, a session token) anywhere in text. What stays readable: words and
 * identifiers (a long name is made of words: `SignUpFlowMonitoring-production-ApiFunctionCE271BD4-4q7TNsJ3lFGx`
 * has `Monitoring`, `production`, `Function`), hex (UUIDs, trace, event and request ids, commit SHAs: the
 * ids on-call searches by), numbers, and anything shorter than `MIN_RANDOM_LENGTH`. A hex secret is caught by
 * the key it stands after, not by its shape.
 */
import { REDACTED } from './redacted';

/** The floor: 32 random characters are 190 bits of base62, more than any id a person types. */
export const MIN_RANDOM_LENGTH = 32;

/** Characters of base62, base64 and base64url tokens; `=` only as padding at the end. */
export const TOKEN_CANDIDATE = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,3}/g;

/** Below this Shannon entropy (bits per character), a long token repeats itself too much to be random. */
const MIN_ENTROPY_BITS = 3.5;
/** Letters of the shortest word that counts; an acronym needs more (a random run of capitals reads as one). */
const MIN_WORD_LETTERS = 7;
const MIN_ACRONYM_LETTERS = 9;
/** Words must make up this share of a long token for it to be a name: one word in 88 characters is chance. */
const MIN_WORD_SHARE = 0.15;
/**
 * Letter pairs common in English and in the words of identifiers. A random run of letters rarely has all its
 * pairs here (about 37% of pairs are); a word almost always does. Checked on the corpus in the tests.
 */
const COMMON_PAIRS = new Set(
  (
    'ab ac ad ag ai al am an ap ar as at au av aw ay ba be bi bl bo br bu by ca ce ch ci ck cl co cr ct cu cy ' +
    'da de di do dr ds du dy ea ec ed ee ef eg ei el em en ep er es et ev ew ex ey fa fe fi fl fo fr ft fu ' +
    'ga ge gh gi gl gn go gr gs gu ha he hi ho hr ht hu hy ia ib ic id ie if ig il im in io ip ir is it iv iz ' +
    'ja je jo ju ka ke ki kn ks la ld le lf li ll lo lt lu ly ma me mi mm mo mp ms mu my na nc nd ne nf ng ' +
    'ni nk nn no ns nt nu nv ny oa ob oc od of og oi ok ol om on oo op or os ot ou ov ow ox oy pa pe ph pi ' +
    'pl po pp pr ps pt pu qu ra rc rd re rf rg ri rk rl rm rn ro rr rs rt ru rv ry sa sc se sh si sk sl sm ' +
    'sn so sp ss st su sw sy ta tc te th ti tl to tr ts tt tu tw ty ua ub uc ud ue ug ui ul um un up ur us ' +
    'ut va ve vi vo wa we wh wi wn wo wr xa xc xe xi xp xt ya ye yl ym yn yo yp ys za ze zi zo'
  ).split(' '),
);

/** A camel-case or separated word, an acronym, or a run of digits. */
const ATOM = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+/g;
const HEX_OR_DIGITS = /^[0-9a-fA-F_-]+$/;
/** A part of a long name between its `-`, `_` and `/`. */
const RANDOM_PART = /[A-Za-z0-9+=]{32,}/g;
const LOWERCASE_WORD = /^[a-z]{3,}$/;
/** A segment of a path such as `reset` in `com/reset/<token>`. */
const PATH_WORD = /^[a-z]{4,}$/;
/** A segment of a path that is an id: `key/<uuid>` in a KMS key's ARN. */
const HEX_ID = /^[0-9a-fA-F-]{8,}$/;
const DIGIT = /[0-9]/;

/** The patterns that run over outside text (candidates and their parts), for the ReDoS check. */
export const RANDOM_TOKEN_PATTERNS: readonly RegExp[] = [TOKEN_CANDIDATE, RANDOM_PART, ATOM, HEX_OR_DIGITS];

/** Every token of 32 or more random-looking characters in `text` becomes `[REDACTED]`. */
export function redactRandomTokens(text: string): string {
  return text.replace(TOKEN_CANDIDATE, redactCandidate);
}

/**
 * A path (`com/reset/<token>`) loses only its random segments; a base64 secret, whose `/` are part of it,
 * goes whole. A name with a random part joined by `-` or `_` loses that part.
 */
function redactCandidate(candidate: string): string {
  const segments = candidate.split('/');
  if (segments.length > 1 && segments.some(isPathSegment)) return segments.map(redactPiece).join('/');
  return redactPiece(candidate);
}

function redactPiece(piece: string): string {
  if (looksRandom(piece)) return REDACTED;
  if (piece.length < 2 * MIN_RANDOM_LENGTH) return piece;
  return piece.replace(RANDOM_PART, (part) => (looksRandom(part) ? REDACTED : part));
}

/** Long, varied, of mixed characters, not hex, and holding no word: a random token. */
export function looksRandom(token: string): boolean {
  const text = token.replace(/=+$/, '');
  if (text.length < MIN_RANDOM_LENGTH || HEX_OR_DIGITS.test(text) || !hasMixedCharacters(text)) return false;
  // Cheapest first: most long tokens in logs are names, which their words give away.
  if (hasWords(text, Math.max(MIN_WORD_LETTERS, MIN_WORD_SHARE * text.length))) return false;
  return entropyBits(text) >= MIN_ENTROPY_BITS;
}

/**
 * Whether at least `letters` letters of the token belong to words. Letters between two digits are no word
 * (`r5gnupera9` is how random lower-case tokens look; names join words with separators or capitals).
 */
function hasWords(text: string, letters: number): boolean {
  let found = 0;
  ATOM.lastIndex = 0;
  for (let match = ATOM.exec(text); match !== null; match = ATOM.exec(text)) {
    const atom = match[0];
    const minLetters = isUpperCase(atom) ? MIN_ACRONYM_LETTERS : MIN_WORD_LETTERS;
    if (atom.length < minLetters || isBetweenDigits(text, match.index, atom.length)) continue;
    if (!isEnglishWord(atom)) continue;
    found += atom.length;
    if (found >= letters) return true;
  }
  return false;
}

function isUpperCase(atom: string): boolean {
  const first = atom.charCodeAt(0);
  const last = atom.charCodeAt(atom.length - 1);
  return first >= 65 && first <= 90 && last >= 65 && last <= 90;
}

function isBetweenDigits(text: string, start: number, length: number): boolean {
  return DIGIT.test(text[start - 1] ?? '') && DIGIT.test(text[start + length] ?? '');
}

/** A word or an id between slashes: what makes a token a path rather than a base64 secret. */
function isPathSegment(segment: string): boolean {
  return HEX_ID.test(segment) || (PATH_WORD.test(segment) && isEnglishWord(segment));
}

/** At least two of upper case, lower case and digits, each at least twice. */
function hasMixedCharacters(text: string): boolean {
  let upper = 0;
  let lower = 0;
  let digits = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) upper++;
    else if (code >= 97 && code <= 122) lower++;
    else if (code >= 48 && code <= 57) digits++;
  }
  return Number(upper >= 2) + Number(lower >= 2) + Number(digits >= 2) >= 2;
}

/** Shannon entropy of the token's characters, which are ASCII (`TOKEN_CANDIDATE`). */
function entropyBits(text: string): number {
  const counts = new Uint32Array(128);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index) & 127;
    counts[code] = (counts[code] ?? 0) + 1;
  }
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const share = count / text.length;
    bits -= share * Math.log2(share);
  }
  return bits;
}

/**
 * A run of letters whose pairs are all common in English, or all but one from ten letters (`signupflow`), all
 * but two from fourteen (`monitoringproduction`). An acronym (upper case) gets no allowance: a random run of
 * capitals is no word.
 */
function isEnglishWord(word: string): boolean {
  const lower = word.toLowerCase();
  if (!LOWERCASE_WORD.test(lower)) return false;
  const allowedRare = isUpperCase(word) ? 0 : lower.length >= 14 ? 2 : lower.length >= 10 ? 1 : 0;
  let rare = 0;
  for (let index = 1; index < lower.length; index++) {
    if (!COMMON_PAIRS.has(lower.slice(index - 1, index + 1)) && ++rare > allowedRare) return false;
  }
  return true;
}
