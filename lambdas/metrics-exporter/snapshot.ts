// zod's mini build, as in the health function: the same validation at a fraction of the bundle size.
import * as z from 'zod/mini';
import type { MetricsSnapshot } from '../shared/metrics-snapshot';

/** Far above a realistic export (about 200 samples, some 30 KB): a larger value is not a snapshot. */
export const MAX_SNAPSHOT_BYTES = 4 * 1024 * 1024;

// Prometheus' own name rules (https://prometheus.io/docs/concepts/data_model/), one character class each:
// linear on any input.
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const labels = z
  .record(z.string().check(z.regex(LABEL_NAME), z.maxLength(100)), z.string().check(z.maxLength(1_024)))
  .check(
    z.refine((value) => Object.keys(value).length <= 20, 'more than 20 labels'),
    z.refine((value) => Object.keys(value).every((name) => !name.startsWith('__')), 'reserved label name'),
  );

const sample = z.object({
  labels,
  value: z.number().check(z.refine(Number.isFinite, 'not a finite number')),
  suffix: z.optional(z.enum(['_sum', '_count'])),
});

const family = z
  .object({
    name: z.string().check(z.regex(METRIC_NAME), z.maxLength(200)),
    help: z.string().check(z.maxLength(1_024)),
    type: z.enum(['counter', 'gauge', 'summary']),
    samples: z.array(sample).check(z.maxLength(10_000)),
  })
  .check(
    z.refine(
      (value) => value.type === 'summary' || value.samples.every((s) => s.suffix === undefined),
      '_sum and _count belong to summaries only',
    ),
  );

const snapshot = z.object({
  version: z.literal(1),
  generatedAt: z.iso.datetime({ offset: true }),
  refreshSeconds: z.optional(z.int().check(z.minimum(60), z.maximum(3_600))),
  exportedThrough: z.iso.datetime({ offset: true }),
  families: z.array(family).check(
    z.maxLength(1_000),
    z.refine(
      (value) => new Set(value.map((f) => f.name)).size === value.length,
      'a family name appears twice',
    ),
  ),
});

export type ParsedSnapshot = { ok: true; snapshot: MetricsSnapshot } | { ok: false; reason: string };

/**
 * The snapshot as the evaluator wrote it, or why it cannot be rendered. Strict: a name Prometheus rejects or a
 * value it cannot read would fail the whole scrape, so such a snapshot is refused as a whole.
 */
export function parseSnapshot(text: string): ParsedSnapshot {
  if (text.length > MAX_SNAPSHOT_BYTES)
    return { ok: false, reason: `larger than ${MAX_SNAPSHOT_BYTES} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = snapshot.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'snapshot'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, snapshot: parsed.data as MetricsSnapshot };
}

/** Seconds since the snapshot was written (0 when its clock runs ahead of ours). */
export function snapshotAgeSeconds(snapshot: MetricsSnapshot, now: Date): number {
  return Math.max(0, (now.getTime() - Date.parse(snapshot.generatedAt)) / 1_000);
}
