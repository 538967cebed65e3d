import * as z from 'zod';
import { ALERT_SEVERITIES, type AlertSeverity } from '../shared/alert-message';

/**
 * One entry per Slack incoming webhook, from the stack (`SLACK_WEBHOOKS`). Slack app webhooks post to the one
 * channel they were created for and ignore a `channel` field, so the channel name selects the webhook.
 */
export const routeSchema = z.object({
  channel: z.string().regex(/^#[a-z0-9_-]+$/),
  severities: z.array(z.enum(ALERT_SEVERITIES)).nonempty().optional(),
  /** Secret holding the webhook URL (as the whole secret string, or as `{"url": "..."}`). */
  secretArn: z.string().min(1),
});
export type Route = z.infer<typeof routeSchema>;

/** Locally, `SLACK_WEBHOOK_URL` is enough: one route whose URL is given directly. */
export type Webhook = { channel: string; secretArn: string } | { channel: string; url: string };

export function parseRoutes(json: string | undefined): Route[] {
  if (!json) return [];
  return z.array(routeSchema).parse(JSON.parse(json));
}

/**
 * The webhook for a message: the requested channel (the message's own, else SLACK_ALERT_CHANNEL) when it takes
 * the severity; else the first webhook that takes the severity (so a critical alert reaches `#oncall` even when
 * the default channel only takes warnings); else the requested channel; else the first webhook. Never none.
 */
export function chooseRoute(
  routes: readonly Route[],
  channel: string,
  severity: AlertSeverity,
): Route | undefined {
  const takes = (route: Route) => !route.severities || route.severities.includes(severity);
  return (
    routes.find((route) => route.channel === channel && takes(route)) ??
    routes.find(takes) ??
    routes.find((route) => route.channel === channel) ??
    routes[0]
  );
}
