import { performance } from 'node:perf_hooks';
import { percentile, round3 } from '../shared/latency.js';
import type { RequestRecorder } from './recorder.js';

/**
 * Open-loop load: flows start on a fixed schedule (constant arrival rate within a phase, a linear
 * ramp from `rateFrom` to `rateTo` if given), whether or not earlier ones have finished. The number
 * of flows in flight is capped; a flow whose slot comes while the cap is reached is recorded as a
 * `client_saturated` error (never skipped silently). A flow's first request is timed from its slot
 * on the schedule, not from when it was actually sent (coordinated omission corrected): a late
 * start, a full socket pool or the server's queue all show in its latency.
 */
export type Phase = Readonly<{ label: string; durationS: number; rateFrom: number; rateTo?: number }>;

export type PhaseTimes = Readonly<{ label: string; fromMs: number; toMs: number; rateFrom: number; rateTo: number }>;

/** Starts flow `sequence`, meant to start at `intendedMs` on the run clock; resolves when it is done. */
export type StartFlow = (sequence: number, intendedMs: number) => Promise<void>;

export type OpenLoopOptions = Readonly<{
  phases: readonly Phase[];
  /** Requests per flow on average: rates are in requests/s, flows start at rate / this. */
  requestsPerFlow: number;
  inFlightMax: number;
  /** After the last phase, how long in-flight flows are awaited. */
  drainTimeoutMs: number;
  startFlow: StartFlow;
  recorder: RequestRecorder;
  clock: RunClock;
  log?: (line: string) => void;
  /** Called once with the phases placed on the run clock, before the first slot. */
  onPlaced?: (phases: readonly PhaseTimes[]) => void;
}>;

export type OpenLoopResult = Readonly<{
  phases: readonly PhaseTimes[];
  flowsScheduled: number;
  flowsSaturated: number;
  inFlightPeak: number;
  /** Still running when the drain timed out (their requests are missing from the rows). */
  flowsUnfinished: number;
  /** How late flows were actually started after their slot (the load generator's own lag). */
  startLagMs: Readonly<{ p50: number; p99: number; max: number }>;
}>;

/** The run's clock: milliseconds since it was created. */
export class RunClock {
  private readonly origin = performance.now();

  now(): number {
    return performance.now() - this.origin;
  }
}

const LAG_SAMPLES_KEPT = 1 << 16;

/**
 * @example
 * const result = await runOpenLoop({ phases: [{ label: 'normal', durationS: 60, rateFrom: 100 }], requestsPerFlow: 1.43, inFlightMax: 4096, drainTimeoutMs: 20_000, startFlow, recorder, clock });
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const phases = placePhases(options.phases, options.clock.now());
  options.onPlaced?.(phases);
  const endMs = phases.at(-1)?.toMs ?? options.clock.now();
  let inFlight = 0;
  let inFlightPeak = 0;
  let sequence = 0;
  let saturated = 0;
  const lags = new Float64Array(LAG_SAMPLES_KEPT);
  let lagCount = 0;
  let lagMax = 0;
  let next = phases[0]?.fromMs ?? endMs;
  let idle: (() => void) | undefined;

  const launch = (intendedMs: number): void => {
    const mine = sequence;
    sequence += 1;
    if (inFlight >= options.inFlightMax) {
      saturated += 1;
      options.recorder.add('flow', intendedMs, intendedMs, { kind: 'client_saturated' });
      return;
    }
    const lag = options.clock.now() - intendedMs;
    lags[lagCount % LAG_SAMPLES_KEPT] = lag;
    lagCount += 1;
    lagMax = Math.max(lagMax, lag);
    inFlight += 1;
    inFlightPeak = Math.max(inFlightPeak, inFlight);
    options.startFlow(mine, intendedMs).then(
      () => {
        settle();
      },
      (error: unknown) => {
        options.log?.(`flow ${mine} failed outside its requests: ${error instanceof Error ? error.message : String(error)}`);
        settle();
      },
    );
  };
  const settle = (): void => {
    inFlight -= 1;
    if (inFlight === 0) idle?.();
  };

  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = options.clock.now();
      while (next <= now && next < endMs) {
        launch(next);
        next = nextSlot(phases, next, options.requestsPerFlow);
      }
      if (next >= endMs) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, next - options.clock.now()));
    };
    tick();
  });

  const drained = await new Promise<boolean>((resolve) => {
    if (inFlight === 0) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => {
      resolve(false);
    }, options.drainTimeoutMs);
    idle = () => {
      clearTimeout(timer);
      resolve(true);
    };
  });
  const sortedLags = lags.subarray(0, Math.min(lagCount, LAG_SAMPLES_KEPT)).sort();
  return {
    phases,
    flowsScheduled: sequence,
    flowsSaturated: saturated,
    inFlightPeak,
    flowsUnfinished: drained ? 0 : inFlight,
    startLagMs: {
      p50: sortedLags.length === 0 ? 0 : round3(percentile(sortedLags, 50)),
      p99: sortedLags.length === 0 ? 0 : round3(percentile(sortedLags, 99)),
      max: round3(lagMax),
    },
  };
}

/** The phases laid end to end on the run clock, starting a little after `nowMs`. */
function placePhases(phases: readonly Phase[], nowMs: number): PhaseTimes[] {
  let from = nowMs + 5;
  return phases.map((phase) => {
    const placed = { label: phase.label, fromMs: from, toMs: from + phase.durationS * 1000, rateFrom: phase.rateFrom, rateTo: phase.rateTo ?? phase.rateFrom };
    from = placed.toMs;
    return placed;
  });
}

/** The slot after `at`: 1 / (flows per second at `at`); a phase at rate 0 is skipped to its end. */
function nextSlot(phases: readonly PhaseTimes[], at: number, requestsPerFlow: number): number {
  const phase = phases.find((candidate) => at >= candidate.fromMs && at < candidate.toMs);
  if (phase === undefined) return Number.POSITIVE_INFINITY;
  const progress = (at - phase.fromMs) / (phase.toMs - phase.fromMs);
  if (phase.rateFrom <= 0 && phase.rateTo <= 0) return phase.toMs;
  // A ramp from 0 starts at a trickle rather than waiting forever for its first slot.
  const rate = Math.max(0.5, phase.rateFrom + (phase.rateTo - phase.rateFrom) * progress);
  return at + (1000 * requestsPerFlow) / rate;
}
