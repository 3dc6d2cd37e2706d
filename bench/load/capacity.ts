import { SEED_CRITERIA } from './criteria.js';
import { runPhases, type MeasureOptions, type PhaseReport } from './measure.js';
import type { System } from './systems.js';

/**
 * The capacity search: the highest arrival rate (requests/s) at which a system keeps the seeds'
 * latency and error criteria, P99 < 1 s and errors < 0.1 %. Steps up by `growth` from `startRate`
 * until a step fails, then bisects between the highest passing and the lowest failing rate until
 * they are within `precision` of each other, or the time budget is spent. Each step is a short
 * warm-up at the step's rate and a measured window; between steps the system is let settle (no
 * flow in flight, the ledger's projections caught up) so one step's backlog does not weigh on the
 * next.
 */
export type CapacityOptions = Readonly<{
  startRate: number;
  growth: number;
  stepS: number;
  warmupS: number;
  /** Stop once (lowest fail − highest pass) / highest pass ≤ this. */
  precision: number;
  budgetS: number;
  settleMaxS: number;
}>;

export type CapacityStep = Readonly<{
  rate: number;
  passed: boolean;
  p99Ms: number | null;
  errorRate: number;
  acceptedPerS: number;
  startLagP99Ms: number;
  window: PhaseReport;
}>;

export type CapacityReport = Readonly<{
  system: string;
  /** The highest rate that passed (null when even the lowest step failed). */
  capacityPerS: number | null;
  lowestFailingPerS: number | null;
  bracketClosed: boolean;
  budgetSpent: boolean;
  seconds: number;
  criteria: Readonly<{ p99MsMax: number; errorRateMax: number }>;
  steps: readonly CapacityStep[];
}>;

const SETTLE_BACKLOG_EVENTS = 200;
const STEPS_MAX = 16;

export async function searchCapacity(system: System, options: CapacityOptions, measure: MeasureOptions): Promise<CapacityReport> {
  const begun = Date.now();
  const steps: CapacityStep[] = [];
  let pass: number | null = null;
  let fail: number | null = null;
  let rate = options.startRate;
  let budgetSpent = false;
  const stepCostS = options.warmupS + options.stepS;
  while (steps.length < STEPS_MAX) {
    if ((Date.now() - begun) / 1000 + stepCostS > options.budgetS) {
      budgetSpent = true;
      break;
    }
    const step = await measureStep(system, Math.round(rate), options, measure);
    steps.push(step);
    measure.log(
      `${system.name}: ${step.rate}/s → ${step.passed ? 'pass' : 'FAIL'} (accepted ${step.acceptedPerS}/s, p99 ${step.p99Ms ?? '-'} ms, errors ${(100 * step.errorRate).toFixed(3)} %, start lag p99 ${step.startLagP99Ms} ms)`,
    );
    if (step.passed) pass = Math.max(pass ?? 0, step.rate);
    else fail = Math.min(fail ?? Number.POSITIVE_INFINITY, step.rate);
    if (pass !== null && fail !== null && (fail - pass) / pass <= options.precision) break;
    if (fail === null) rate = step.rate * options.growth;
    else if (pass === null) rate = step.rate / options.growth;
    else rate = (pass + fail) / 2;
    if (rate < 1) break;
    await settle(system, options.settleMaxS);
  }
  await settle(system, options.settleMaxS);
  return {
    system: system.name,
    capacityPerS: pass,
    lowestFailingPerS: fail,
    bracketClosed: pass !== null && fail !== null && (fail - pass) / pass <= options.precision,
    budgetSpent,
    seconds: Math.round((Date.now() - begun) / 1000),
    criteria: { p99MsMax: SEED_CRITERIA.p99MsMax, errorRateMax: SEED_CRITERIA.errorRateMax },
    steps,
  };
}

async function measureStep(system: System, rate: number, options: CapacityOptions, measure: MeasureOptions): Promise<CapacityStep> {
  const run = await runPhases(
    system,
    [
      { label: `warm-up ${rate}/s`, durationS: options.warmupS, rateFrom: rate },
      { label: `step ${rate}/s`, durationS: options.stepS, rateFrom: rate },
    ],
    measure,
  );
  const window = run.phases[1] ?? run.phases[0];
  if (window === undefined) throw new Error('capacity step without a window');
  const p99Ms = window.summary.latencyMs?.p99Ms ?? null;
  const errorRate = window.summary.errors.rate;
  return {
    rate,
    passed: p99Ms !== null && p99Ms < SEED_CRITERIA.p99MsMax && errorRate < SEED_CRITERIA.errorRateMax && run.loop.flowsUnfinished === 0,
    p99Ms,
    errorRate,
    acceptedPerS: window.summary.acceptedPerS,
    startLagP99Ms: run.loop.startLagMs.p99,
    window,
  };
}

/** Waits (at most `maxS`) until the ledger's projections are caught up; the open loop has already drained. */
export async function settle(system: System, maxS: number): Promise<void> {
  const probe = system.probe;
  if (probe === null) return;
  const deadline = Date.now() + maxS * 1000;
  while (Date.now() < deadline) {
    await probe.sample();
    const backlog = probe.latestProjectionBacklog();
    if (backlog === null || backlog <= SETTLE_BACKLOG_EVENTS) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
