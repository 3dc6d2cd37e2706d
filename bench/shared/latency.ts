/**
 * Latency samples from a high-resolution clock (`process.hrtime.bigint()`), kept in
 * nanoseconds and summarised as milliseconds with nearest-rank percentiles.
 */
export type LatencySummary = Readonly<{
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}>;

const NS_PER_MS = 1e6;

/** Current time in nanoseconds (monotonic). */
export function nowNs(): bigint {
  return process.hrtime.bigint();
}

export class LatencyRecorder {
  private samples = new Float64Array(1 << 14);
  private size = 0;

  /** Records one sample, given in nanoseconds. */
  record(durationNs: bigint): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size] = Number(durationNs);
    this.size += 1;
  }

  get count(): number {
    return this.size;
  }

  summary(): LatencySummary {
    return summarize(this.samples.subarray(0, this.size));
  }
}

/** Nearest-rank percentile (p in 0..100) of ascending-sorted samples. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Summary in milliseconds of samples given in nanoseconds. */
export function summarize(samplesNs: Float64Array): LatencySummary {
  const sorted = Float64Array.from(samplesNs).sort();
  let total = 0;
  for (const sample of sorted) total += sample;
  const ms = (ns: number): number => round3(ns / NS_PER_MS);
  return {
    count: sorted.length,
    meanMs: sorted.length === 0 ? Number.NaN : ms(total / sorted.length),
    p50Ms: ms(percentile(sorted, 50)),
    p90Ms: ms(percentile(sorted, 90)),
    p99Ms: ms(percentile(sorted, 99)),
    p999Ms: ms(percentile(sorted, 99.9)),
    maxMs: ms(sorted.at(-1) ?? Number.NaN),
  };
}

/** Median of a list of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  if (sorted.length % 2 === 1) return upper;
  return ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
