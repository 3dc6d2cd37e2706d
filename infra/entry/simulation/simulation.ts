/**
 * The deterministic simulation (`npm run simulate -- --seed N --scenarios K`, docs/simulation.md):
 * seeded scenarios of QR payments run against the real ledger and the provider sandbox with seeded
 * faults, in batches that share a controllable clock. One world step: every scenario acts, then the
 * world settles (projections catch up, the provider reactor performs what is due, until nothing is
 * due), then the clock moves 2.5 s. After a batch is quiet, every invariant is checked per scenario
 * and over the journal. The plans and faults come from the seed alone, so a failing seed reproduces.
 */
import { PROVIDER_TASKS_PROJECTION } from '../../../schemas/readModels/providerTasks.js';
import { checkScenario, unbalancedJournalEntries, type Violation } from './invariants.js';
import { planScenario } from './scenarioPlan.js';
import { advanceScenario, newScenario, type ScenarioState } from './scenarioRun.js';
import { openWorld, type World } from './world.js';

export type SimulationOptions = Readonly<{
  seed: number;
  scenarios: number;
  /** Scenarios sharing one clock at a time (default 25). */
  batchSize?: number;
  databaseUrl: string;
  onProgress?: (done: number, total: number) => void;
}>;

export type SimulationSummary = Readonly<{
  seed: number;
  scenarios: number;
  faults: Readonly<Record<string, number>>;
  faultsTotal: number;
  violations: readonly Violation[];
  seconds: number;
}>;

const STEP_MS = 2_500;
/** A batch that is not quiet after this many steps is a violation of its own (something never settles). */
const STEPS_MAX = 400;

async function settle(world: World): Promise<void> {
  for (let round = 0; round < 50; round += 1) {
    await world.ledger.projections.caughtUp(30_000);
    if ((await world.ledger.reactor.step()) === 0) return;
  }
}

async function openTasks(world: World): Promise<number> {
  const schema = await world.ledger.projections.readModels.servingSchema(PROVIDER_TASKS_PROJECTION);
  const [row] = await world.ledger.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM "${schema}".provider_tasks t LEFT JOIN provider_task_runs r ON r.task_id = t.task_id WHERE t.done_at IS NULL AND r.finished_at IS NULL`,
  );
  return row?.n ?? 0;
}

async function runBatch(world: World, states: readonly ScenarioState[]): Promise<Violation[]> {
  for (let step = 0; step < STEPS_MAX; step += 1) {
    await Promise.all(states.filter((state) => state.phase !== 'done').map((state) => advanceScenario(world, state)));
    await settle(world);
    if (states.every((state) => state.phase === 'done') && (await openTasks(world)) === 0) return [];
    world.clock.advanceTo(new Date(world.clock.now().getTime() + STEP_MS));
  }
  return states
    .filter((state) => state.phase !== 'done')
    .map((state) => ({ scenario: state.plan.index, invariant: 'settles', detail: `not quiet after ${STEPS_MAX} steps (phase ${state.phase})` }));
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const started = performance.now();
  const world = await openWorld({ databaseUrl: options.databaseUrl, seed: options.seed });
  const violations: Violation[] = [];
  try {
    const batchSize = options.batchSize ?? 25;
    for (let first = 0; first < options.scenarios; first += batchSize) {
      const states = Array.from({ length: Math.min(batchSize, options.scenarios - first) }, (_, offset) => newScenario(planScenario(options.seed, first + offset)));
      violations.push(...(await runBatch(world, states)));
      for (const state of states) violations.push(...(await checkScenario(world, state)));
      options.onProgress?.(first + states.length, options.scenarios);
    }
    const journal = await world.ledger.projections.readModels.servingSchema('journal');
    for (const entry of await unbalancedJournalEntries(world.ledger.client, journal))
      violations.push({ scenario: -1, invariant: 'journal_balances', detail: `entry ${entry} does not balance` });
    const faults = await world.sandbox.faultsInjected();
    const faultsTotal = Object.values(faults).reduce((sum, count) => sum + count, 0);
    return { seed: options.seed, scenarios: options.scenarios, faults, faultsTotal, violations, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } finally {
    await world.close();
  }
}

/** The machine-readable last line, then one line per violation. */
export function summaryLines(summary: SimulationSummary): string[] {
  return [
    `simulate: seed ${summary.seed} scenarios ${summary.scenarios} faults ${summary.faultsTotal} violations ${summary.violations.length}`,
    ...summary.violations.map((violation) => `violation: scenario ${violation.scenario} ${violation.invariant}: ${violation.detail}`),
  ];
}
