import * as z from 'zod';
import { decodeCursor } from './event-cursor';
import type { ListEventsQuery } from './events';

export const MAX_PAGE_SIZE = 100;

const schema = z.object({
  organization_id: z
    .string({ error: 'is required' })
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, dashes or underscores'),
  limit: z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(1, `must be from 1 to ${MAX_PAGE_SIZE}`)
        .max(MAX_PAGE_SIZE, `must be from 1 to ${MAX_PAGE_SIZE}`),
    )
    .default(20),
  cursor: z
    .string()
    .transform((text, context) => {
      const cursor = decodeCursor(text);
      if (!cursor) context.addIssue({ code: 'custom', message: 'is not a cursor returned by this API' });
      return cursor ?? z.NEVER;
    })
    .optional(),
});

export type QueryProblem = { parameter: string; message: string };

export function parseListEventsQuery(
  parameters: Record<string, string | undefined> = {},
): { ok: true; query: ListEventsQuery } | { ok: false; problems: QueryProblem[] } {
  const result = schema.safeParse(parameters);
  if (!result.success) {
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        parameter: String(issue.path[0]),
        message: issue.message,
      })),
    };
  }
  const { organization_id, limit, cursor } = result.data;
  return { ok: true, query: { organizationId: organization_id, limit, cursor } };
}
