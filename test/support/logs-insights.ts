/**
 * A Logs Insights `parse @message /regex/` command run as CloudWatch runs it on one log event: the named
 * groups of the first match become fields; an event that does not match gets none. Only the regex mode: the
 * glob mode's matching of `*` is not specified precisely enough to be checked here.
 */
export function parseWith(command: string, message: string): Record<string, string> | undefined {
  const regex = /^parse @message \/((?:[^/\\]|\\.)*)\/$/.exec(command.trim());
  if (!regex) throw new Error(`not a regex-mode parse command of @message: ${command}`);
  const match = new RegExp(regex[1] ?? '').exec(message);
  return match?.groups ? { ...match.groups } : undefined;
}

/** The named groups a regex-mode `parse` command defines, in order. */
export function parsedFieldNames(command: string): string[] {
  return [...command.matchAll(/\(\?<([A-Za-z][A-Za-z0-9]*)>/g)].map((match) => match[1] ?? '');
}
