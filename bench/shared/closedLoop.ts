import { LatencyRecorder, nowNs, type LatencySummary } from './latency.js';

/**
 * Closed-loop load: `concurrency` workers, each awaiting its operation before starting the next.
 * Runs a warm-up, then a measured window; an operation counts (throughput and latency) when it
 * completes inside the window. After the window no new operation starts, and the in-flight ones
 * are awaited for at most `drainTimeoutMs`.
 */
export type ClosedLoopOptions = Readonly<{
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  drainTimeoutMs: number;
  /** The run stops early (and reports `aborted`) once this many operations have failed. */
  errorsMax: number;
  /** `sequence` is unique across all workers of this run (0, 1, 2, …). */
  operation: (worker: number, sequence: number) => Promise<void>;
  /** Called once, right when the measured window opens and closes (e.g. to snapshot counters). */
  onWindowStart?: () => void;
  onWindowEnd?: () => void;
}>;

export type ClosedLoopResult = Readonly<{
  /** Operations completed inside the measured window. */
  operations: number;
  /** All operations started, warm-up included. */
  operationsStarted: number;
  errors: number;
  firstError: string | null;
  aborted: boolean;
  windowMs: number;
  latency: LatencySummary;
  /** Operations completed in each whole second of the window (shows drift within a run). */
  perSecond: readonly number[];
}>;

const MS = 1_000_000n;

export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) throw new RangeError('concurrency must be ≥ 1');
  const recorder = new LatencyRecorder();
  const start = nowNs();
  const windowStart = start + BigInt(Math.round(options.warmupMs)) * MS;
  const windowEnd = windowStart + BigInt(Math.round(options.durationMs)) * MS;
  let sequence = 0;
  let errors = 0;
  let firstError: string | null = null;
  let aborted = false;
  let completedInWindow = 0;
  const perSecond = new Array<number>(Math.max(1, Math.ceil(options.durationMs / 1000))).fill(0);

  // The callbacks run from timers; whichever has not fired by the time the workers stop (a
  // timer can fire late) runs right after, so each runs exactly once.
  let started = false;
  let ended = false;
  const fireStart = (): void => {
    if (started) return;
    started = true;
    options.onWindowStart?.();
  };
  const fireEnd = (): void => {
    if (ended) return;
    fireStart();
    ended = true;
    options.onWindowEnd?.();
  };
  const windowTimers = [setTimeout(fireStart, options.warmupMs), setTimeout(fireEnd, options.warmupMs + options.durationMs)];

  const worker = async (index: number): Promise<void> => {
    while (!aborted && nowNs() < windowEnd) {
      const mine = sequence;
      sequence += 1;
      const begun = nowNs();
      try {
        await options.operation(index, mine);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        if (errors >= options.errorsMax) aborted = true;
        continue;
      }
      const done = nowNs();
      if (done >= windowStart && done <= windowEnd) {
        completedInWindow += 1;
        recorder.record(done - begun);
        const bucket = Math.min(Number((done - windowStart) / 1_000_000_000n), perSecond.length - 1);
        perSecond[bucket] = (perSecond[bucket] ?? 0) + 1;
      }
    }
  };

  const workers = Promise.all(Array.from({ length: options.concurrency }, (_, index) => worker(index)));
  const totalMs = options.warmupMs + options.durationMs + options.drainTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`closed loop: workers still busy ${options.drainTimeoutMs} ms after the window closed`));
    }, totalMs);
  });
  try {
    await Promise.race([workers, timeout]);
  } finally {
    clearTimeout(timer);
    windowTimers.forEach(clearTimeout);
    fireEnd();
  }
  return {
    operations: completedInWindow,
    operationsStarted: sequence,
    errors,
    firstError,
    aborted,
    windowMs: options.durationMs,
    latency: recorder.summary(),
    perSecond,
  };
}
