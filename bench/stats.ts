/** The value below which `share` (0..1) of the samples fall, nearest-rank. */
export function percentile(samples: ArrayLike<number>, share: number): number {
  const sorted = Array.from(samples).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
  return sorted[rank] as number;
}

export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 0.5);
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
