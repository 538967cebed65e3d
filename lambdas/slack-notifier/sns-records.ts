import { SnsNotificationSchema } from '@aws-lambda-powertools/parser/schemas/sns';
import * as z from 'zod';
import type { SnsNotice } from './notify';

/**
 * Powertools' SNS notification schema, made lenient: only `Message` is required, and an envelope field that
 * is missing or malformed (a bad `Timestamp`, a hand-made record) is dropped rather than failing the record.
 * A record with a message is always shown to people; one without a message cannot be, and is dead-lettered.
 */
const lenientFields = Object.fromEntries(
  Object.entries(SnsNotificationSchema.shape).map(([name, schema]) => [
    name,
    (schema as z.ZodType).optional().catch(undefined),
  ]),
);
const snsRecordSchema = z.object({ Sns: z.object(lenientFields).extend({ Message: z.string() }) });

type SnsNotification = Partial<z.infer<typeof SnsNotificationSchema>> & { Message: string };

export type ParsedRecord = { ok: true; notice: SnsNotice } | { ok: false; problem: string };

export function recordsOf(event: unknown): unknown[] {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) ? records : [event];
}

export function parseSnsRecord(record: unknown): ParsedRecord {
  const parsed = snsRecordSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      problem: `not an SNS notification (${issue?.path.map(String).join('.') || 'record'}: ${issue?.message})`,
    };
  }
  const sns = parsed.data.Sns as SnsNotification;
  return {
    ok: true,
    notice: {
      messageId: sns.MessageId ?? 'unknown',
      topicArn: sns.TopicArn ?? 'unknown',
      ...(sns.Subject && { subject: sns.Subject }),
      message: sns.Message,
      timestamp: sns.Timestamp ?? new Date().toISOString(),
      messageAttributes: sns.MessageAttributes ?? {},
    },
  };
}
