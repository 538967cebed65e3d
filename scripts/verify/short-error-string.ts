const MAX_LENGTH = 120;

/**
 * A peer's error string (Slack's `no_service`, Sentry's `{"detail": "..."}`), when it is short plain text:
 * worth showing, and too short and plain to carry a whole secret. Anything else is left out.
 */
export function shortErrorString(body: string): string | undefined {
  let text = body.trim();
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as { detail?: unknown; error?: unknown; message?: unknown };
      text = String(parsed.detail ?? parsed.error ?? parsed.message ?? '');
    } catch {
      return undefined;
    }
  }
  return text.length > 0 && text.length <= MAX_LENGTH && /^[\w .,:;'()/-]+$/.test(text) ? text : undefined;
}
