/**
 * Open-loop load runner (docs/load-testing.md): constant arrival rate, latency from the scheduled
 * start (coordinated omission corrected), the seeds' endpoint shares mapped onto this ledger
 * (mix.ts), their scenarios scaled to this two-core machine, their success criteria line by line.
 *
 *   npm run bench:load -- --scenario normal|peak|stress|capacity [--rate N] [--duration-s S] …
 *
 * The ledger child inherits this process's environment: set its own variables (e.g. load
 * shedding) on the command line and they apply; `LEDGER_*` ones are listed in the result.
 *
 * stdout: one JSON object (also written to bench/results/load-<scenario>-<timestamp>.json);
 * stderr: progress.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineBusyPct, machineInfo } from '../shared/machine.js';
import { serverInfo } from '../shared/postgres.js';
import { gitState, runBench, writeResult } from '../shared/results.js';
import { SEED_CRITERIA } from './criteria.js';
import { ENDPOINT_MAPPING, FLOW_WEIGHTS, REQUEST_SHARES, REQUESTS_PER_FLOW } from './mix.js';
import { RunClock } from './openLoop.js';
import { capacityScenario, normalScenario, peakScenario, SEED_RATES, stressScenario, type Scenario, type ScenarioConfig } from './scenarios.js';
import type { SystemName } from './systems.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SCENARIOS: readonly Scenario[] = ['normal', 'peak', 'stress', 'capacity'];
/** The scaling factor: normal = 100/s, about a quarter of what the closed-loop bench measured here at most (≈ 400–700 commands/s). */
const DEFAULT_FACTOR = 0.2;

const OPTIONS = {
  scenario: { type: 'string' },
  rate: { type: 'string' },
  'duration-s': { type: 'string' },
  'step-s': { type: 'string' },
  'warmup-s': { type: 'string', default: '10' },
  factor: { type: 'string', default: String(DEFAULT_FACTOR) },
  capacity: { type: 'string' },
  systems: { type: 'string', default: 'ours,baseline' },
  'budget-s': { type: 'string', default: '165' },
  growth: { type: 'string', default: '2' },
  precision: { type: 'string', default: '0.1' },
  'baseline-start-rate': { type: 'string', default: '400' },
  connections: { type: 'string', default: '512' },
  'in-flight-max': { type: 'string', default: '4096' },
  'timeout-ms': { type: 'string', default: '10000' },
  terminals: { type: 'string', default: '50' },
  stores: { type: 'string', default: '5' },
  'pool-size': { type: 'string', default: '16' },
  'log-level': { type: 'string', default: 'warn' },
  seed: { type: 'string', default: '24301' },
  'ledger-port': { type: 'string', default: '3221' },
  'baseline-port': { type: 'string', default: '3222' },
  'ledger-script': { type: 'string', default: join(ROOT, 'infra', 'entry', 'main.ts') },
  help: { type: 'boolean', default: false },
} as const;

function log(line: string): void {
  process.stderr.write(`[bench:load ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function number(values: Readonly<Record<string, unknown>>, name: string, min: number, max: number): number {
  const raw = values[name];
  const value = Number(raw);
  if (typeof raw !== 'string' || raw === '' || !Number.isFinite(value) || value < min || value > max) throw new RangeError(`--${name} must be a number in ${min}..${max}`);
  return value;
}

function optional(values: Readonly<Record<string, unknown>>, name: string, min: number, max: number): number | undefined {
  return values[name] === undefined ? undefined : number(values, name, min, max);
}

/** The scenario from the command line; undefined after printing the usage for --help. */
function readConfig(clock: RunClock): ScenarioConfig | undefined {
  const { values } = parseArgs({ options: OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stderr.write('npm run bench:load -- --scenario normal|peak|stress|capacity [options]; see docs/load-testing.md\n');
    return undefined;
  }
  const scenario = values.scenario as Scenario | undefined;
  if (scenario === undefined || !SCENARIOS.includes(scenario)) throw new RangeError(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  const systems = values.systems.split(',').map((name) => name.trim());
  if (systems.length === 0 || systems.some((name) => name !== 'ours' && name !== 'baseline')) throw new RangeError('--systems: ours and/or baseline');
  return {
    scenario,
    factor: number(values, 'factor', 0.001, 10),
    rate: optional(values, 'rate', 1, 100_000),
    durationS: optional(values, 'duration-s', 1, 3_600),
    stepS: optional(values, 'step-s', 1, 600),
    warmupS: number(values, 'warmup-s', 0, 600),
    capacity: optional(values, 'capacity', 1, 100_000),
    systems: systems as SystemName[],
    budgetS: number(values, 'budget-s', 10, 3_600),
    growth: number(values, 'growth', 1.05, 10),
    precision: number(values, 'precision', 0.01, 1),
    baselineStartRate: number(values, 'baseline-start-rate', 1, 100_000),
    ports: { ours: number(values, 'ledger-port', 1, 65_535), baseline: number(values, 'baseline-port', 1, 65_535) },
    system: {
      root: ROOT,
      ledgerScript: values['ledger-script'],
      clock,
      connections: number(values, 'connections', 1, 4_096),
      requestTimeoutMs: number(values, 'timeout-ms', 100, 120_000),
      terminals: number(values, 'terminals', 1, 1_000),
      stores: number(values, 'stores', 1, 100),
      poolSize: number(values, 'pool-size', 1, 200),
      logLevel: values['log-level'],
      seed: number(values, 'seed', 0, 2 ** 31),
      log,
    },
    measure: { clock, inFlightMax: number(values, 'in-flight-max', 1, 1_000_000), drainTimeoutMs: 20_000, log },
  };
}

/** LEDGER_* and DATABASE_* variables the ledger child inherits (secrets masked). */
function inheritedEnvironment(): Record<string, string> {
  const entries = Object.entries(process.env).filter(([name]) => /^(LEDGER_|DATABASE_)/.test(name));
  return Object.fromEntries(entries.map(([name, value]) => [name, /SECRET|KEY|PASSWORD/.test(name) ? '***' : (value ?? '')]));
}

function scaling(config: ScenarioConfig): Record<string, unknown> {
  return {
    factor: config.factor,
    rule: 'rate here = seed rate × factor (requests/s); durations shortened',
    seedRates: { normal: SEED_RATES.normal, peak: SEED_RATES.peak, stress: '5000+' },
    scaledRates: { normal: SEED_RATES.normal * config.factor, peak: SEED_RATES.peak * config.factor, stress: '2 × the capacity measured (or --capacity)' },
    why: 'the seeds size a fleet of 50–500 tasks; this is one ledger process on 2 shared cores, where the closed-loop bench (bench:commands) reached ≈ 400–700 commands/s',
  };
}

async function runScenario(config: ScenarioConfig): Promise<Record<string, unknown>> {
  switch (config.scenario) {
    case 'normal':
      return normalScenario(config);
    case 'peak':
      return peakScenario(config);
    case 'stress':
      return stressScenario(config);
    case 'capacity':
      return capacityScenario(config);
  }
}

async function main(): Promise<void> {
  const clock = new RunClock();
  const config = readConfig(clock);
  if (config === undefined) return;
  const startedAt = new Date();
  const busy = await machineBusyPct(1_000);
  log(`scenario ${config.scenario}; machine busy before start: ${busy ?? '?'} %${busy !== null && busy > 30 ? ' (other work is running: numbers will be lower)' : ''}`);
  const result = await runScenario(config);
  const { system, ...rest } = config;
  const shown: Partial<typeof rest> = { ...rest };
  delete shown.measure;
  const output = {
    benchmark: 'bench:load',
    scenario: config.scenario,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    code: gitState(),
    machine: { ...machineInfo(), busyPctBeforeStart: busy },
    postgres: await serverInfo(),
    config: {
      ...shown,
      connections: system.connections,
      requestTimeoutMs: system.requestTimeoutMs,
      terminals: system.terminals,
      stores: system.stores,
      poolSize: system.poolSize,
      ledgerScript: system.ledgerScript,
      inFlightMax: config.measure.inFlightMax,
      ledgerLogLevel: system.logLevel,
      inheritedEnvironment: inheritedEnvironment(),
      client: 'node:http keep-alive agent (bench/shared/httpClient.ts), open loop, latency from the scheduled start',
    },
    scaling: scaling(config),
    endpointMapping: { rows: ENDPOINT_MAPPING, requestShares: REQUEST_SHARES, flowsPerRequest: FLOW_WEIGHTS, requestsPerFlow: Math.round(REQUESTS_PER_FLOW * 1000) / 1000 },
    seedCriteria: SEED_CRITERIA,
    ...result,
  };
  writeResult(`load-${config.scenario}`, startedAt, output, log);
}

runBench(main, log);
