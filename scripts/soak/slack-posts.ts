/** What the soak reads of a Slack post: which alert it is. */
export interface PostedAlert {
  ruleId: string;
  state: string;
  dedupKey: string;
  /** The minute it was evaluated in, as the post shows it (`2026-11-30 10:00 UTC`). */
  evaluated: string;
}

/**
 * The alert a Slack post carries, read from its blocks as the notifier writes them
 * (`lambdas/slack-notifier/format-alert.ts`): the context line's rule, evaluation minute and dedup key, and the
 * State field. Undefined for anything else (an alarm, a fallback).
 */
export function postedAlert(body: string): PostedAlert | undefined {
  let payload: {
    attachments?: {
      blocks?: { type: string; elements?: { text?: string }[]; fields?: { text?: string }[] }[];
    }[];
  };
  try {
    payload = JSON.parse(body);
  } catch {
    return undefined;
  }
  const blocks = payload.attachments?.[0]?.blocks ?? [];
  const context = blocks.find((block) => block.type === 'context')?.elements?.[0]?.text ?? '';
  const found = / · rule (\S+) · evaluated (\d{4}-\d\d-\d\d \d\d:\d\d UTC) · dedup `([^`]+)`$/.exec(context);
  const state = blocks
    .flatMap((block) => block.fields ?? [])
    .map((field) => field.text ?? '')
    .find((text) => text.startsWith('*State*\n'))
    ?.slice('*State*\n'.length);
  if (!found || !state) return undefined;
  return { ruleId: found[1] as string, evaluated: found[2] as string, dedupKey: found[3] as string, state };
}

/** The key of one message: its episode, its kind, and the minute it was evaluated in. */
export function messageKey(dedupKey: string, state: string, evaluated: string): string {
  return `${dedupKey}|${state}|${evaluated}`;
}

/** `2026-11-30T10:00:05.000Z` as the post shows it: `2026-11-30 10:00 UTC`. */
export function minuteOf(isoTimestamp: string): string {
  return `${isoTimestamp.slice(0, 16).replace('T', ' ')} UTC`;
}
