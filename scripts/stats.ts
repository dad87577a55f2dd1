/** Statistics the benchmark scripts share: the median and min / median / max over repeats. */

/** The median; for an even count the mean of the two middle values. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function minMedianMax(xs: readonly number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: median(s), max: s[s.length - 1] };
}

/** 'min / median / max', each written by `format`. */
export function formatMinMedianMax(xs: readonly number[], format: (x: number) => string): string {
  const s = minMedianMax(xs);
  return `${format(s.min)} / ${format(s.median)} / ${format(s.max)}`;
}
