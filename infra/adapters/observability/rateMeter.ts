/** A rate over a sliding window of one-second buckets. */
export class RateMeter {
  private readonly buckets = new Map<number, number>();

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {}

  add(count: number): void {
    const second = Math.floor(this.now() / 1000);
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + count);
    for (const key of this.buckets.keys()) if (key <= second - this.windowSeconds) this.buckets.delete(key);
  }

  /** Events per second over the window (the current, partial second included). */
  perSecond(): number {
    const second = Math.floor(this.now() / 1000);
    let total = 0;
    for (const [key, count] of this.buckets) if (key > second - this.windowSeconds) total += count;
    return Math.round(total / this.windowSeconds);
  }
}
