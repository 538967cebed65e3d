/**
 * Parsed JSON cut to a size the notifier can afford to scrub and show: an SNS message may hold 256 KB and
 * nest thousands of levels deep, but Slack shows at most 40,000 characters. Cutting comes before scrubbing,
 * so that the scrubber's work per message is bounded by these limits and not by the message.
 */
export interface JsonBounds {
  /** Containers nested deeper than this are replaced by a marker (and `tooDeep` is set). */
  maxDepth: number;
  /** Each string is cut to this many UTF-16 units, with `…` at the end. */
  maxStringChars: number;
  /** All string values together; once spent, further strings are empty. */
  maxTotalChars: number;
  /** Entries kept per object or array; a last entry says how many were left out. */
  maxEntries: number;
  /** Values visited in all; beyond this, containers are replaced by a marker. */
  maxNodes: number;
}

export interface BoundedJson {
  value: unknown;
  /** True when some container was nested deeper than `maxDepth`. */
  tooDeep: boolean;
  /** True when anything at all was cut. */
  cut: boolean;
}

export const MORE_MARKER = '…';
/** Keys are cut to this length but never emptied: two keys must not collapse into one. */
const MAX_KEY_CHARS = 100;

export function boundJson(value: unknown, bounds: JsonBounds): BoundedJson {
  const state = { chars: bounds.maxTotalChars, nodes: bounds.maxNodes, tooDeep: false, cut: false };

  const text = (input: string): string => {
    const limit = Math.min(bounds.maxStringChars, state.chars);
    const kept = cutString(input, limit);
    if (kept !== input) state.cut = true;
    state.chars = Math.max(0, state.chars - kept.length);
    return kept;
  };

  const cutKey = (key: string): string => {
    const kept = cutString(key, MAX_KEY_CHARS);
    if (kept !== key) state.cut = true;
    return kept;
  };

  // Recursion is bounded by maxDepth, which callers keep small.
  const walk = (item: unknown, depth: number): unknown => {
    state.nodes -= 1;
    if (typeof item === 'string') return text(item);
    if (typeof item !== 'object' || item === null) return item;
    if (depth >= bounds.maxDepth) {
      state.tooDeep = true;
      state.cut = true;
      return `${MORE_MARKER} nested deeper than ${bounds.maxDepth} levels`;
    }
    if (state.nodes <= 0) {
      state.cut = true;
      return `${MORE_MARKER} not shown`;
    }
    if (Array.isArray(item)) {
      const kept = item.slice(0, bounds.maxEntries).map((entry) => walk(entry, depth + 1));
      if (item.length > kept.length) {
        state.cut = true;
        kept.push(`${MORE_MARKER} ${item.length - kept.length} more items`);
      }
      return kept;
    }
    const copy: Record<string, unknown> = {};
    let count = 0;
    let total = 0;
    for (const key in item) {
      if (!Object.hasOwn(item, key)) continue;
      total += 1;
      if (count >= bounds.maxEntries) continue;
      count += 1;
      copy[cutKey(key)] = walk((item as Record<string, unknown>)[key], depth + 1);
    }
    if (total > count) {
      state.cut = true;
      copy[MORE_MARKER] = `${total - count} more fields`;
    }
    return copy;
  };

  const bounded = walk(value, 0);
  return { value: bounded, tooDeep: state.tooDeep, cut: state.cut };
}

/** At most `limit` UTF-16 units of `text`, never half a surrogate pair, ending with `marker` when cut. */
export function cutString(text: string, limit: number, marker = MORE_MARKER): string {
  if (text.length <= limit) return text;
  if (limit <= marker.length) return '';
  let end = limit - marker.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${marker}`;
}
