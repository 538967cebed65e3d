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

export function isSelfTestEvent(event: unknown): event is z.infer<typeof SelfTestEventSchema> {
  return SelfTestEventSchema.safeParse(event).success;
}
