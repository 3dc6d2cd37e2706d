import { criteriaLines, type CriterionLine } from './criteria.js';
import { runPhases, type MeasureOptions, type PhaseReport, type RunReport } from './measure.js';
import type { System } from './systems.js';
import type { Verification } from './verify.js';

/**
 * The stress scenario scaled here: the seeds ask for "5,000+ RPS: find the breaking point,
 * graceful degradation, no data loss". This machine's breaking point is its measured capacity, so
 * the stress is 2 × capacity for 60 s, then back to the capacity rate for 20 s, after a short
 * stretch at capacity to compare with. Graceful degradation = what happens to accepted requests
 * (their P99) and what the refused ones got (429/503 with Retry-After and a problem+json `code`,
 * or timeouts and saturation); no data loss = every acknowledged write in the log (verify.ts).
 */
/** `warmupS` at half the capacity first (a ledger started for this run is cold), not reported as a phase of its own. */
export type StressOptions = Readonly<{ capacityPerS: number; overloadPerS: number; warmupS: number; beforeS: number; stressS: number; recoveryS: number }>;

export type StressReport = Readonly<{
  capacityPerS: number;
  overloadPerS: number;
  phases: readonly PhaseSummary[];
  loop: RunReport['loop'];
  /** Seconds after the overload ended until completed throughput was back at ≥ 95 % of capacity with no shed answers (held 3 s); null: not within the recovery phase. */
  timeToReturnToCapacityS: number | null;
  /** Seconds after the overload ended until the P99 of accepted requests meant to start in a second was < 1 s again (held 3 s); null: not within the recovery phase. */
  timeToLatencyRecoveryS: number | null;
  recoverySeconds: Readonly<{ accepted: readonly number[]; shed: readonly number[]; p99Ms: readonly (number | null)[] }>;
  stressCriteria: readonly CriterionLine[];
  verification: Verification | null;
}>;

export type PhaseSummary = Readonly<{
  label: string;
  ratePerS: number;
  offeredPerS: number;
  acceptedPerS: number;
  acceptedP99Ms: number | null;
  acceptedP50Ms: number | null;
  errorRate: number;
  byStatus: Readonly<Record<string, number>>;
  errors: Readonly<Record<string, number>>;
  shed: PhaseReport['summary']['shed'] & Readonly<{ allWithRetryAfter: boolean | null; allProblemJsonWithCode: boolean | null }>;
  database: PhaseReport['database'];
  cpu: PhaseReport['cpu'];
}>;

const RETURN_SHARE = 0.95;
const HOLD_S = 3;

export async function runStress(system: System, options: StressOptions, measure: MeasureOptions): Promise<StressReport> {
  measure.log(`${system.name}: stress ${options.overloadPerS}/s for ${options.stressS} s around a capacity of ${options.capacityPerS}/s`);
  const run = await runPhases(
    system,
    [
      { label: 'warm-up (half the capacity)', durationS: options.warmupS, rateFrom: options.capacityPerS / 2 },
      { label: 'before (capacity)', durationS: options.beforeS, rateFrom: options.capacityPerS },
      { label: 'stress (overload)', durationS: options.stressS, rateFrom: options.overloadPerS },
      { label: 'recovery (capacity)', durationS: options.recoveryS, rateFrom: options.capacityPerS },
    ],
    measure,
  );
  const [, before, stress, recovery] = run.phases;
  if (before === undefined || stress === undefined || recovery === undefined) throw new Error('stress: phases missing');
  const recoveryFrom = placedFrom(run, 3, system);
  const seconds = system.recorder.seconds(recoveryFrom, recoveryFrom + options.recoveryS * 1000);
  const returned = firstHeld(seconds.accepted.map((accepted, index) => accepted >= RETURN_SHARE * options.capacityPerS && (seconds.shed[index] ?? 0) === 0));
  const latencyBack = firstHeld(seconds.p99Ms.map((p99) => p99 !== null && p99 < 1000));
  measure.log(`${system.name}: checking every acknowledged write against ledger_events …`);
  const verification = await system.verify();
  return {
    capacityPerS: options.capacityPerS,
    overloadPerS: options.overloadPerS,
    phases: run.phases.slice(1).map(summarisePhase),
    loop: run.loop,
    timeToReturnToCapacityS: returned,
    timeToLatencyRecoveryS: latencyBack,
    recoverySeconds: seconds,
    stressCriteria: criteriaLines(stress),
    verification,
  };
}

/** Where phase `index` started on the run clock (the recorder's time base). */
function placedFrom(run: RunReport, index: number, system: System): number {
  const placed = run.placed[index];
  if (placed === undefined) throw new Error(`${system.name}: phase ${index} was not placed`);
  return placed.fromMs;
}

/** The first index from which `flags` holds for HOLD_S seconds in a row (or to the end), or null. */
function firstHeld(flags: readonly boolean[]): number | null {
  for (let index = 0; index < flags.length; index += 1) {
    const run = flags.slice(index, index + HOLD_S);
    if (run.length > 0 && run.every(Boolean)) return index;
  }
  return null;
}

function summarisePhase(phase: PhaseReport): PhaseSummary {
  const { summary } = phase;
  const shed = summary.shed;
  return {
    label: phase.label,
    ratePerS: phase.rateFrom,
    offeredPerS: summary.offeredPerS,
    acceptedPerS: summary.acceptedPerS,
    acceptedP99Ms: summary.latencyMs?.p99Ms ?? null,
    acceptedP50Ms: summary.latencyMs?.p50Ms ?? null,
    errorRate: summary.errors.rate,
    byStatus: summary.byStatus,
    errors: summary.errors.byKey,
    shed: {
      ...shed,
      allWithRetryAfter: shed.total === 0 ? null : shed.withRetryAfter === shed.total,
      allProblemJsonWithCode: shed.total === 0 ? null : shed.withProblemJson === shed.total && shed.withCode === shed.total,
    },
    database: phase.database,
    cpu: phase.cpu,
  };
}
