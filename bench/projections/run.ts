/**
 * Projection benchmark (the read models of `projections/index.ts` `allProjectors`):
 * - rebuild: catch-up rate of all projections together from a log of ≥ BENCH_EVENTS events built
 *   by the real decider (payments with refunds), in log events/s, beside a raw multi-row INSERT
 *   rate measured in the same run (rebuild.ts, rawInsert.ts). Target ≥ 20,000 events/s.
 * - lag: projection lag p50/p99 in the ledger under the bench:commands terminal mix (lag.ts).
 *   Target p99 < 1 s for the worst projection.
 *
 *   npm run bench:projections            (= tsx bench/projections/run.ts)
 *
 * Environment (all optional): BENCH_PARTS (rebuild,lag), BENCH_EVENTS (1000000), BENCH_BATCH_SIZE
 * (4000: the runtime's default batchSizeMax and the raw INSERT's rows per statement), BENCH_INSERT_ROWS
 * (10000 rows per backlog statement), BENCH_POOL_SIZE (16, the runtime's connections),
 * BENCH_REBUILD_TIMEOUT_S (3600), BENCH_PROJECTORS (all | dev | all+dev; dev adds a trivial
 * counting projector for developing — a result is reportable only with "all"), BENCH_LOAD_S (30),
 * BENCH_WARMUP_S (5), BENCH_CONCURRENCY (50), BENCH_TERMINALS (20), BENCH_STORES (4),
 * BENCH_LEDGER_PORT (3221), BENCH_LEDGER_LOG_LEVEL (warn), BENCH_DRAIN_TIMEOUT_S (60),
 * BENCH_KEEP=1 (keep the databases), BENCH_CODE_NOTE (free text recorded), BENCH_POSTGRES_URL.
 *
 * stdout: one JSON object (also written to bench/results/projections-<timestamp>.json); stderr: progress.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allProjectors, type Projector } from '../../projections/index.js';
import { machineBusyPct, machineInfo } from '../shared/machine.js';
import { BENCH_SERVER_URL, serverInfo } from '../shared/postgres.js';
import { benchCountsProjector } from './devProjector.js';
import { runLag, type LagConfig, type LagResult } from './lag.js';
import { runRebuild, type RebuildConfig, type RebuildResult } from './rebuild.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const TARGETS = { rebuildEventsPerS: 20_000, lagP99MsMax: 1_000 } as const;

const say = (message: string): void => {
  process.stderr.write(`[bench:projections] ${message}\n`);
};

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}`);
  return value;
}

type Part = 'rebuild' | 'lag';
type ProjectorSet = 'all' | 'dev' | 'all+dev';

function readParts(): readonly Part[] {
  const parts = (process.env.BENCH_PARTS ?? 'rebuild,lag')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0 || parts.some((part) => part !== 'rebuild' && part !== 'lag')) throw new RangeError('BENCH_PARTS: rebuild and/or lag');
  return parts as Part[];
}

function readProjectorSet(): ProjectorSet {
  const set = process.env.BENCH_PROJECTORS ?? 'all';
  if (set !== 'all' && set !== 'dev' && set !== 'all+dev') throw new RangeError('BENCH_PROJECTORS: all, dev or all+dev');
  return set;
}

function projectorsOf(set: ProjectorSet): readonly Projector[] {
  if (set === 'dev') return [benchCountsProjector];
  if (set === 'all+dev') return [...allProjectors, benchCountsProjector];
  return allProjectors;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const parts = readParts();
  const projectorSet = readProjectorSet();
  const projectors = projectorsOf(projectorSet);
  const keep = process.env.BENCH_KEEP === '1';
  const rebuildConfig: RebuildConfig = {
    database: `bench_projections_${process.pid}`,
    events: integer('BENCH_EVENTS', 1_000_000, 1, 100_000_000),
    batchSizeMax: integer('BENCH_BATCH_SIZE', 4_000, 1, 100_000),
    backlogRowsPerStatement: integer('BENCH_INSERT_ROWS', 10_000, 1, 100_000),
    poolSize: integer('BENCH_POOL_SIZE', 16, 2, 200),
    timeoutS: integer('BENCH_REBUILD_TIMEOUT_S', 3_600, 1, 86_400),
    keep,
    targetEventsPerS: TARGETS.rebuildEventsPerS,
  };
  const lagConfig: LagConfig = {
    database: `bench_projections_lag_${process.pid}`,
    root: ROOT,
    loadS: integer('BENCH_LOAD_S', 30, 1, 3_600),
    warmupS: integer('BENCH_WARMUP_S', 5, 0, 600),
    concurrency: integer('BENCH_CONCURRENCY', 50, 1, 1_000),
    terminals: integer('BENCH_TERMINALS', 20, 1, 1_000),
    stores: integer('BENCH_STORES', 4, 1, 100),
    ledgerPort: integer('BENCH_LEDGER_PORT', 3221, 1, 65_535),
    ledgerLogLevel: process.env.BENCH_LEDGER_LOG_LEVEL ?? 'warn',
    drainTimeoutS: integer('BENCH_DRAIN_TIMEOUT_S', 60, 1, 3_600),
    keep,
    lagP99MsMax: TARGETS.lagP99MsMax,
  };
  const busyBefore = await machineBusyPct(1_000);
  say(`machine busy before start: ${busyBefore ?? '?'} %; parts ${parts.join(',')}; allProjectors: ${allProjectors.map((projector) => projector.name).join(', ') || '(empty)'}`);

  const rebuild: RebuildResult | null = parts.includes('rebuild') ? await runRebuild(rebuildConfig, projectors, say) : null;
  const lag: LagResult | null = parts.includes('lag') ? await runLag(lagConfig, say) : null;

  const result = {
    benchmark: 'bench:projections',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { ...machineInfo(), busyPctBeforeStart: busyBefore },
    postgres: await serverInfo(),
    config: { parts, serverUrl: BENCH_SERVER_URL, rebuild: rebuildConfig, lag: { ...lagConfig, root: undefined } },
    note: process.env.BENCH_CODE_NOTE ?? null,
    projectors: {
      set: projectorSet,
      /** Only a run over exactly `allProjectors` is a result for the targets. */
      reportable: projectorSet === 'all' && allProjectors.length > 0,
      allProjectors: allProjectors.map((projector) => projector.name),
      measuredInRebuild: projectors.map((projector) => projector.name),
      /** The ledger child of the lag part always runs `allProjectors`. */
      measuredInLag: allProjectors.map((projector) => projector.name),
    },
    targets: TARGETS,
    met: { rebuildEventsPerS: rebuild?.met ?? null, lagP99: lag?.met ?? null },
    rebuild,
    lag,
  };
  const json = JSON.stringify(result, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `projections-${stamp}.json`);
  writeFileSync(file, `${json}\n`);
  process.stdout.write(`${json}\n`);
  say(`written to ${file}`);
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
