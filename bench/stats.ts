/**
 * Small statistics helpers for the benchmark. Nearest-rank percentiles on a sorted copy: with
 * tens of thousands of samples, interpolation would not change the reported numbers.
 */

/** Summary of a list of durations in milliseconds, rounded to 0.01 ms. */
export interface Distribution {
  readonly count: number
  readonly p50: number
  readonly p95: number
  readonly p99: number
  readonly min: number
  readonly max: number
  readonly mean: number
}

/** Rounds to `digits` decimals, so the JSON stays readable. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

/** The nearest-rank percentile `p` (0–100) of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!
}

/** p50/p95/p99/min/max/mean of `values` (not modified). */
export function distribution(values: ArrayLike<number>): Distribution {
  // A typed array sorts numerically and without boxing, which matters at 200k samples.
  const sorted = Float64Array.from(values).sort()
  let sum = 0
  for (const v of sorted) sum += v
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    min: round(sorted.length > 0 ? sorted[0]! : Number.NaN),
    max: round(sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN),
    mean: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
  }
}

/** The median of a few values (used for cold-open runs). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  if (sorted.length === 0) return Number.NaN
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** Writes a progress line to stderr; stdout is reserved for the one JSON result. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`)
}
