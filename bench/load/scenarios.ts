import { criteriaLines, allMet } from './criteria.js';
import { searchCapacity, settle, type CapacityReport } from './capacity.js';
import { runPhases, type MeasureOptions } from './measure.js';
import type { Phase } from './openLoop.js';
import { runStress, type StressReport } from './stress.js';
import { startSystem, type System, type SystemName, type SystemOptions } from './systems.js';

/**
 * The four scenarios of `npm run bench:load`, scaled to this machine (docs/load-testing.md):
 * the seeds' rates (normal 500, peak 3,000, stress 5,000+ requests/s, for a fleet of 50–500
 * tasks) times `factor`; durations shortened (the seeds run for 15 min to 1 h).
 */
export const SEED_RATES = { normal: 500, peak: 3000, stress: 5000 } as const;

export type Scenario = 'normal' | 'peak' | 'stress' | 'capacity';

export type ScenarioConfig = Readonly<{
  scenario: Scenario;
  factor: number;
  /** --rate: normal/peak the rate, stress the overload rate (default 2 × capacity), capacity the ledger's first step. */
  rate: number | undefined;
  /** --duration-s: normal the window, peak the sustained part, stress the overload, capacity each step. */
  durationS: number | undefined;
  /** --step-s: each capacity step's window (default: --duration-s for capacity, else 15 s). */
  stepS: number | undefined;
  warmupS: number;
  capacity: number | undefined;
  systems: readonly SystemName[];
  budgetS: number;
  growth: number;
  precision: number;
  baselineStartRate: number;
  ports: Readonly<Record<SystemName, number>>;
  system: Omit<SystemOptions, 'port'>;
  measure: MeasureOptions;
}>;

const PEAK_RAMP_S = 15;
const CAPACITY_WARMUP_S = 3;
const CAPACITY_STEP_S = 15;
const SETTLE_MAX_S = 20;

async function withSystem<T>(name: SystemName, config: ScenarioConfig, work: (system: System) => Promise<T>): Promise<T> {
  const system = await startSystem(name, { ...config.system, port: config.ports[name] });
  try {
    return await work(system);
  } finally {
    await system.stop();
  }
}

/** One system through `phases`; the seeds' criteria are read on phase `measured`. */
async function windowScenario(config: ScenarioConfig, ratePerS: number, phases: readonly Phase[], measured: number): Promise<Record<string, unknown>> {
  return withSystem('ours', config, async (system) => {
    const run = await runPhases(system, phases, config.measure);
    await settle(system, SETTLE_MAX_S);
    const window = run.phases[measured];
    const criteria = window === undefined ? [] : criteriaLines(window);
    return { ratePerS, criteria, allCriteriaMet: allMet(criteria), window, phases: run.phases, loop: run.loop, verification: await system.verify(), ours: system.details() };
  });
}

/** normal: a warm-up, then one window at the scaled normal rate. */
export async function normalScenario(config: ScenarioConfig): Promise<Record<string, unknown>> {
  const rate = config.rate ?? SEED_RATES.normal * config.factor;
  const phases: Phase[] = [
    { label: 'warm-up', durationS: config.warmupS, rateFrom: rate },
    { label: 'normal', durationS: config.durationS ?? 60, rateFrom: rate },
  ];
  return windowScenario(config, rate, phases, 1);
}

/** peak: from the normal rate up to the scaled peak (ramp), held, and down again; the criteria are read on the held part. */
export async function peakScenario(config: ScenarioConfig): Promise<Record<string, unknown>> {
  const normal = SEED_RATES.normal * config.factor;
  const peak = config.rate ?? SEED_RATES.peak * config.factor;
  const phases: Phase[] = [
    { label: 'warm-up (normal)', durationS: config.warmupS, rateFrom: normal },
    { label: 'ramp-up', durationS: PEAK_RAMP_S, rateFrom: normal, rateTo: peak },
    { label: 'peak', durationS: config.durationS ?? 60, rateFrom: peak },
    { label: 'ramp-down', durationS: PEAK_RAMP_S, rateFrom: peak, rateTo: normal },
  ];
  return windowScenario(config, peak, phases, 2);
}

function capacityOptions(config: ScenarioConfig, name: SystemName): Parameters<typeof searchCapacity>[1] {
  const oursStart = config.rate ?? SEED_RATES.normal * config.factor;
  return {
    startRate: name === 'ours' ? oursStart : config.baselineStartRate,
    growth: config.growth,
    stepS: config.stepS ?? (config.scenario === 'capacity' ? config.durationS : undefined) ?? CAPACITY_STEP_S,
    warmupS: CAPACITY_WARMUP_S,
    precision: config.precision,
    budgetS: config.budgetS,
    settleMaxS: SETTLE_MAX_S,
  };
}

/** capacity: the search on the ledger and on the baseline route, and the ratio ours / baseline. */
export async function capacityScenario(config: ScenarioConfig): Promise<Record<string, unknown>> {
  const reports: Partial<Record<SystemName, CapacityReport>> = {};
  const details: Partial<Record<SystemName, unknown>> = {};
  let verification = null;
  for (const name of config.systems) {
    await withSystem(name, config, async (system) => {
      reports[name] = await searchCapacity(system, capacityOptions(config, name), config.measure);
      details[name] = system.details();
      if (name === 'ours') verification = await system.verify();
    });
  }
  const ours = reports.ours?.capacityPerS ?? null;
  const baseline = reports.baseline?.capacityPerS ?? null;
  const ratio = ours !== null && baseline !== null && baseline > 0 ? Math.round((1000 * ours) / baseline) / 1000 : null;
  config.measure.log(`capacity: ours ${ours ?? '-'}/s, baseline ${baseline ?? '-'}/s, ratio ${ratio ?? '-'}`);
  const oursPass = reports.ours?.steps.find((step) => step.rate === ours);
  const criteria = oursPass === undefined ? null : criteriaLines(oursPass.window);
  return { capacityPerS: { ours, baseline }, ratioOursToBaseline: ratio, criteriaAtOurCapacity: criteria, search: reports, verification, details };
}

/** stress: 2 × capacity (measured first unless --capacity) for 60 s, then the capacity rate for 20 s. */
export async function stressScenario(config: ScenarioConfig): Promise<Record<string, unknown>> {
  return withSystem('ours', config, async (system) => {
    let search: CapacityReport | null = null;
    let capacity = config.capacity;
    if (capacity === undefined) {
      search = await searchCapacity(system, { ...capacityOptions(config, 'ours'), startRate: SEED_RATES.normal * config.factor }, config.measure);
      capacity = search.capacityPerS ?? undefined;
      if (capacity === undefined) throw new Error('stress: no passing capacity step; give --capacity N');
    }
    const stress: StressReport = await runStress(
      system,
      {
        capacityPerS: capacity,
        overloadPerS: config.rate ?? 2 * capacity,
        warmupS: search === null ? config.warmupS : 0,
        beforeS: 10,
        stressS: config.durationS ?? 60,
        recoveryS: 20,
      },
      config.measure,
    );
    return { capacityPerS: capacity, capacityMeasuredInThisRun: search !== null, stress, capacitySearch: search, ours: system.details() };
  });
}
