import { runClosedLoop } from '../shared/closedLoop.js';
import { nowNs, percentile, round3, summarize, type LatencySummary } from '../shared/latency.js';

/**
 * A closed-loop HTTP load where every operation is one request of some kind: requests/s, latency
 * overall and per kind, and errors (non-2xx by kind and status, network errors) counted over the
 * measured window only.
 */
export type Outcome = Readonly<{ kind: string; ok: boolean; status: number; detail: string }>;

/** The shared summary plus p95 (the shared recorder stops at p90 and p99). */
export type LatencyMs = LatencySummary & Readonly<{ p95Ms: number }>;

class Samples {
  private data = new Float64Array(1 << 14);
  private size = 0;

  get count(): number {
    return this.size;
  }

  record(durationNs: bigint): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size] = Number(durationNs);
    this.size += 1;
  }

  summary(): LatencyMs {
    const sorted = Float64Array.from(this.data.subarray(0, this.size)).sort();
    return { ...summarize(sorted), p95Ms: round3(percentile(sorted, 95) / 1e6) };
  }
}

export type LoadOptions = Readonly<{
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Sends one request; answers how it went (throws only when there was no answer). */
  perform: (worker: number, sequence: number) => Promise<Outcome>;
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}>;

export type LoadResult = Readonly<{
  windowS: number;
  /** Successful requests completed inside the window. */
  requests: number;
  requestsPerS: number;
  latencyMs: LatencyMs;
  byKind: Readonly<Record<string, Readonly<{ requests: number; requestsPerS: number; latencyMs: LatencyMs }>>>;
  /** In the window; `outsideWindow` counts the warm-up and the drain too. */
  errors: Readonly<{ total: number; rate: number; byStatus: Readonly<Record<string, number>>; outsideWindow: number; first: string | null }>;
  /** Successful requests per second of the window (drift within the run). */
  perSecond: readonly number[];
  aborted: boolean;
}>;

/** A run stops (reported as aborted) once this many requests failed, warm-up included. */
const ERRORS_MAX = 5_000;
const DRAIN_TIMEOUT_MS = 35_000;

/**
 * @example const result = await runLoad({ concurrency: 50, warmupMs: 5_000, durationMs: 30_000, perform });
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const overall = new Samples();
  const kinds = new Map<string, Samples>();
  const errorsByStatus: Record<string, number> = {};
  let errorsInWindow = 0;
  let errorsOutsideWindow = 0;
  let firstError: string | null = null;
  let measuring = false;
  const countError = (key: string, detail: string): void => {
    firstError ??= detail;
    if (!measuring) {
      errorsOutsideWindow += 1;
      return;
    }
    errorsInWindow += 1;
    errorsByStatus[key] = (errorsByStatus[key] ?? 0) + 1;
  };
  const result = await runClosedLoop({
    concurrency: options.concurrency,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    drainTimeoutMs: DRAIN_TIMEOUT_MS,
    errorsMax: ERRORS_MAX,
    onWindowStart: () => {
      measuring = true;
      options.onWindowStart?.();
    },
    onWindowEnd: () => {
      measuring = false;
      options.onWindowEnd?.();
    },
    operation: async (worker, sequence) => {
      const begun = nowNs();
      let outcome: Outcome;
      try {
        outcome = await options.perform(worker, sequence);
      } catch (error) {
        countError('network', error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        throw error;
      }
      if (!outcome.ok) {
        countError(`${outcome.kind}:${outcome.status}`, outcome.detail);
        throw new Error(outcome.detail);
      }
      if (!measuring) return;
      const elapsed = nowNs() - begun;
      overall.record(elapsed);
      let recorder = kinds.get(outcome.kind);
      if (recorder === undefined) {
        recorder = new Samples();
        kinds.set(outcome.kind, recorder);
      }
      recorder.record(elapsed);
    },
  });
  const windowS = options.durationMs / 1000;
  const attempted = overall.count + errorsInWindow;
  return {
    windowS,
    requests: overall.count,
    requestsPerS: round3(overall.count / windowS),
    latencyMs: overall.summary(),
    byKind: Object.fromEntries(
      [...kinds.entries()].map(([kind, recorder]) => [kind, { requests: recorder.count, requestsPerS: round3(recorder.count / windowS), latencyMs: recorder.summary() }]),
    ),
    errors: {
      total: errorsInWindow,
      rate: attempted === 0 ? 0 : round3(errorsInWindow / attempted),
      byStatus: errorsByStatus,
      outsideWindow: errorsOutsideWindow,
      first: firstError,
    },
    perSecond: result.perSecond,
    aborted: result.aborted,
  };
}
