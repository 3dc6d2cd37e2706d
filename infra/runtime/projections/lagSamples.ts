/**
 * Projection lag in milliseconds: for each event applied while live, the time from its recording
 * (the append) to the commit of the batch that applied it. A ring of the latest samples; quantiles
 * by sorting a copy (a few thousand numbers, on a status request only).
 */
export class LagSamples {
  private readonly samples: number[] = [];
  private next = 0;

  constructor(private readonly capacity = 5000) {}

  add(lagMs: number): void {
    if (this.samples.length < this.capacity) this.samples.push(lagMs);
    else this.samples[this.next] = lagMs;
    this.next = (this.next + 1) % this.capacity;
  }

  /** p50/p99 over the retained samples (nearest rank), or null before the first. */
  quantiles(): Readonly<{ p50: number; p99: number; samples: number }> | null {
    if (this.samples.length === 0) return null;
    const sorted = [...this.samples].sort((left, right) => left - right);
    const rank = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
    return { p50: rank(0.5), p99: rank(0.99), samples: sorted.length };
  }

  clear(): void {
    this.samples.length = 0;
    this.next = 0;
  }
}
