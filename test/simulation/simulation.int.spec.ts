/**
 * A bounded run of the deterministic simulation (`npm run simulate` runs thousands): seeded QR
 * scenarios with seeded provider faults against the real ledger and the sandbox process. Every
 * invariant (charged_once, success_accounted, not_processing, amounts_agree, journal_balances) must
 * hold for every scenario, faults must actually have been injected, and the summary's last line is
 * the machine-readable one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimulation, summaryLines, type SimulationSummary } from '../../infra/entry/simulation/simulation.js';
import { dropDatabase, recreateDatabase, testDatabaseUrl } from '../support/database.js';

const DATABASE = 'ledger_simulation_test';
const SEED = 20_261_207;
const SCENARIOS = 40;
let summary: SimulationSummary;

beforeAll(async () => {
  await recreateDatabase(DATABASE);
  summary = await runSimulation({ seed: SEED, scenarios: SCENARIOS, batchSize: 20, databaseUrl: testDatabaseUrl(DATABASE) });
}, 240_000);
afterAll(async () => {
  await dropDatabase(DATABASE);
});

describe(`simulate --seed ${SEED} --scenarios ${SCENARIOS}`, () => {
  it('runs every scenario with faults injected and no invariant violated', () => {
    expect(summary.scenarios).toBe(SCENARIOS);
    expect(summary.faultsTotal).toBeGreaterThan(0);
    expect(summary.violations).toEqual([]);
  });

  it('ends with the machine-readable summary line', () => {
    const lines = summaryLines(summary);
    expect(lines.at(-1)).toBe(`simulate: seed ${SEED} scenarios ${SCENARIOS} faults ${summary.faultsTotal} violations 0`);
  });
});
