import * as z from 'zod/mini';

/**
 * The event `npm run verify -- --stage NAME` invokes a deployed function with (Lambda Invoke, so only an IAM
 * principal allowed to invoke it can send one): check every dependency from inside the function's network.
 * `testAlertId` asks the alert evaluator to publish one test alert through the whole alert path.
 */
export const SelfTestEventSchema = z.object({
  selfTest: z.object({
    testAlertId: z.optional(z.string().check(z.regex(/^[a-z0-9-]{8,64}$/))),
  }),
});

export type SelfTestRequest = z.infer<typeof SelfTestEventSchema>['selfTest'];

/**
 * Whether `event` asks for a self-test: an object with a `selfTest` key, which no event of AWS has. One that
 * asks but breaks the schema is refused with an error: taken for the function's usual event instead, it would
 * be routed, or dead-lettered by the notifier (whose dead-letter alarm pages on-call).
 */
export function isSelfTestEvent(event: unknown): event is z.infer<typeof SelfTestEventSchema> {
  if (typeof event !== 'object' || event === null || !Object.hasOwn(event, 'selfTest')) return false;
  const parsed = SelfTestEventSchema.safeParse(event);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
    throw new Error(`Invalid self-test event: ${problems.join('; ')}`);
  }
  return true;
}
