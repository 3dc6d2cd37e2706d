/**
 * The last minute of HTTP traffic for the /ops page: per-second buckets of requests, server
 * errors (5xx), client errors (4xx) and durations, so the page shows request rate, error rate and
 * latency p50/p99 without a Prometheus server.
 */
type Bucket = { second: number; requests: number; serverErrors: number; clientErrors: number; durationsMs: number[] };

export type RequestWindowSummary = Readonly<{
  /** Requests per second over the window. */
  requests_per_second: number;
  /** Share of 5xx answers over the window (0–1). */
  server_error_rate: number;
  /** Share of 4xx answers over the window (0–1). */
  client_error_rate: number;
  latency_ms: Readonly<{ p50: number; p99: number }> | null;
  window_seconds: number;
}>;

export class RequestWindow {
  private readonly buckets: Bucket[] = [];

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
    private readonly samplesPerSecondMax = 2_000,
  ) {}

  add(statusCode: number, durationMs: number): void {
    const second = Math.floor(this.now() / 1000);
    let bucket = this.buckets.at(-1);
    if (bucket?.second !== second) {
      bucket = { second, requests: 0, serverErrors: 0, clientErrors: 0, durationsMs: [] };
      this.buckets.push(bucket);
      while ((this.buckets[0]?.second ?? second) <= second - this.windowSeconds) this.buckets.shift();
    }
    bucket.requests += 1;
    if (statusCode >= 500) bucket.serverErrors += 1;
    else if (statusCode >= 400) bucket.clientErrors += 1;
    if (bucket.durationsMs.length < this.samplesPerSecondMax) bucket.durationsMs.push(durationMs);
  }

  summary(): RequestWindowSummary {
    const second = Math.floor(this.now() / 1000);
    const recent = this.buckets.filter((bucket) => bucket.second > second - this.windowSeconds);
    const requests = recent.reduce((sum, bucket) => sum + bucket.requests, 0);
    const share = (count: number): number => (requests === 0 ? 0 : Math.round((count / requests) * 10_000) / 10_000);
    const sorted = recent.flatMap((bucket) => bucket.durationsMs).sort((left, right) => left - right);
    const rank = (q: number): number => Math.round((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) * 100) / 100;
    return {
      requests_per_second: Math.round((requests / this.windowSeconds) * 100) / 100,
      server_error_rate: share(recent.reduce((sum, bucket) => sum + bucket.serverErrors, 0)),
      client_error_rate: share(recent.reduce((sum, bucket) => sum + bucket.clientErrors, 0)),
      latency_ms: sorted.length === 0 ? null : { p50: rank(0.5), p99: rank(0.99) },
      window_seconds: this.windowSeconds,
    };
  }
}
