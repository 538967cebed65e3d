const SHOWN_NAMES = 5;

/** `a, b, c, d, e and 3 more`: the first few names of a list that may be long. */
export function nameList(names: readonly string[]): string {
  const shown = names.slice(0, SHOWN_NAMES).join(', ');
  return names.length > SHOWN_NAMES ? `${shown} and ${names.length - SHOWN_NAMES} more` : shown;
}
