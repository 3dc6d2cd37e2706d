import { POSTGRES_EVENT_STORE_DEFAULTS } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import type { OursOptions } from './targets.js';

/** Benchmark configuration from the environment, every value bounded. */
export type Scenario = Readonly<{ name: 'single' | 'batch20'; eventsPerAppend: number; description: string }>;

export const SCENARIOS: readonly Scenario[] = [
  { name: 'single', eventsPerAppend: 1, description: 'one event per append, each to a new stream (no_stream)' },
  { name: 'batch20', eventsPerAppend: 20, description: '20 events per append, each to a new stream (no_stream)' },
];

export type SystemName = 'ours' | 'raw' | 'emmett';

export type OursVariant = OursOptions & Readonly<{ label: string }>;

export type BenchConfig = Readonly<{
  serverUrl: string;
  durationS: number;
  warmupS: number;
  repeats: number;
  concurrencies: readonly number[];
  scenarios: readonly Scenario[];
  systems: readonly SystemName[];
  /** The first is the primary one; every variant is its own system in the cell order. */
  oursVariants: readonly OursVariant[];
  /** Emmett's pg.Pool max per cell: a number, or null for "= concurrency". */
  emmettPoolMax: number | null;
  checkpointBeforeCell: boolean;
  drainTimeoutS: number;
}>;

export const OURS_POOL_MAX_DEFAULT = 16;

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new RangeError(`${name}=${raw}: expected a number in [${min}, ${max}]`);
  return value;
}

function listFromEnv(name: string, fallback: string): string[] {
  return (process.env[name] ?? fallback)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function parseOursVariant(text: string): OursVariant {
  // "inFlight:batchRequests:pool", e.g. "4:64:16"; missing parts take the defaults.
  const parts = text.split(':');
  if (parts.length > 3) throw new RangeError(`BENCH_OURS_CONFIGS "${text}": expected inFlight:batchRequests:pool`);
  const [inFlight, requests, pool] = parts.map((part) => (part === '' ? undefined : Number(part)));
  const variant = {
    batchesInFlightMax: inFlight ?? POSTGRES_EVENT_STORE_DEFAULTS.batchesInFlightMax,
    batchRequestsMax: requests ?? POSTGRES_EVENT_STORE_DEFAULTS.batchRequestsMax,
    poolSizeMax: pool ?? OURS_POOL_MAX_DEFAULT,
  };
  for (const [key, value] of Object.entries(variant)) {
    if (!Number.isSafeInteger(value) || value < 1 || value > 256) throw new RangeError(`BENCH_OURS_CONFIGS "${text}": ${key} must be an integer in [1, 256]`);
  }
  return { ...variant, label: `if${variant.batchesInFlightMax}-br${variant.batchRequestsMax}-pool${variant.poolSizeMax}` };
}

export function loadConfig(serverUrl: string): BenchConfig {
  const concurrencies = listFromEnv('BENCH_CONCURRENCY', '1,16,64').map(Number);
  if (concurrencies.some((value) => !Number.isSafeInteger(value) || value < 1 || value > 90)) {
    throw new RangeError('BENCH_CONCURRENCY: integers in [1, 90] (max_connections is 100 by default)');
  }
  const scenarioNames = listFromEnv('BENCH_SCENARIOS', 'single,batch20');
  const scenarios = scenarioNames.map((name) => {
    const scenario = SCENARIOS.find((candidate) => candidate.name === name);
    if (scenario === undefined) throw new RangeError(`BENCH_SCENARIOS: unknown scenario ${name}`);
    return scenario;
  });
  const systems = listFromEnv('BENCH_SYSTEMS', 'ours,raw,emmett').map((name): SystemName => {
    if (name === 'ours' || name === 'raw' || name === 'emmett') return name;
    throw new RangeError(`BENCH_SYSTEMS: unknown system ${name}`);
  });
  const defaultVariant = `${POSTGRES_EVENT_STORE_DEFAULTS.batchesInFlightMax}:${POSTGRES_EVENT_STORE_DEFAULTS.batchRequestsMax}:${OURS_POOL_MAX_DEFAULT}`;
  const oursVariants = listFromEnv('BENCH_OURS_CONFIGS', defaultVariant).map(parseOursVariant);
  if (oursVariants.length > 8) throw new RangeError('BENCH_OURS_CONFIGS: at most 8 variants');
  const emmettPool = process.env.BENCH_EMMETT_POOL_MAX;
  return {
    serverUrl,
    durationS: intFromEnv('BENCH_DURATION_S', 8, 1, 120),
    warmupS: intFromEnv('BENCH_WARMUP_S', 2, 0, 30),
    repeats: intFromEnv('BENCH_REPEATS', 1, 1, 10),
    concurrencies,
    scenarios,
    systems,
    oursVariants,
    emmettPoolMax: emmettPool === undefined || emmettPool === '' ? null : intFromEnv('BENCH_EMMETT_POOL_MAX', 16, 1, 90),
    checkpointBeforeCell: process.env.BENCH_CHECKPOINT !== '0',
    drainTimeoutS: 30,
  };
}

/** The URL with any password removed, for the report. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
