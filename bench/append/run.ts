/**
 * Append benchmark: our PostgresEventStore against raw PostgreSQL INSERTs and Emmett's
 * PostgreSQL event store, on the same server, in one run. Each cell (system × scenario ×
 * concurrency × repeat) gets its own fresh database, a warm-up and a fixed measured window;
 * the systems of one (scenario, concurrency) run back to back, in rotating order.
 *
 *   npx tsx bench/append/run.ts            (or: npm run bench:append)
 *
 * Environment (all optional): BENCH_POSTGRES_URL, BENCH_DURATION_S (8), BENCH_WARMUP_S (2),
 * BENCH_REPEATS (1), BENCH_CONCURRENCY (1,16,64), BENCH_SCENARIOS (single,batch20),
 * BENCH_SYSTEMS (ours,raw,emmett), BENCH_OURS_CONFIGS ("inFlight:batchRequests:pool,…",
 * default 4:64:16), BENCH_EMMETT_POOL_MAX (default = concurrency), BENCH_CHECKPOINT (1),
 * BENCH_CODE_NOTE (free text recorded with the git state, e.g. when run from a source snapshot).
 *
 * stdout: one JSON object (also written to bench/results/append-<timestamp>.json);
 * stderr: progress.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runClosedLoop } from '../shared/closedLoop.js';
import { median, round3, type LatencySummary } from '../shared/latency.js';
import { CpuMeter, cpuSecondsBetween, machineBusyPct, machineInfo, snapshotCpu } from '../shared/machine.js';
import { BENCH_SERVER_URL, StatsProbe, checkpoint, databaseUrl, dropDatabase, recreateDatabase, serverInfo, type WalCounters } from '../shared/postgres.js';
import { loadConfig, redactUrl, type BenchConfig, type OursVariant, type Scenario, type SystemName } from './config.js';
import { createEmmettTarget, createOursTarget, createRawTarget, type AppendTarget, type TargetContext } from './targets.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
const ERRORS_MAX = 100;

type CellSystem = Readonly<{ system: SystemName; label: string; variant: OursVariant | null; index: number }>;

type CellResult = Readonly<{
  system: SystemName;
  label: string;
  scenario: Scenario['name'];
  eventsPerAppend: number;
  concurrency: number;
  repeat: number;
  database: string;
  poolSize: number | null;
  windowS: number;
  appends: number;
  events: number;
  appendsPerS: number;
  eventsPerS: number;
  latencyMs: LatencySummary | null;
  /** Appends completed in each second of the window. */
  appendsPerSecondSeries: readonly number[];
  errors: number;
  firstError: string | null;
  aborted: boolean;
  machineBusyPct: number | null;
  benchProcessCpuPct: number | null;
  /**
   * CPU time per append over the window: this bench process, and the PostgreSQL backends
   * connected to the cell's database (WAL writer and other server processes not included).
   * Less sensitive to a noisy machine than throughput.
   */
  cpuUsPerAppend: Readonly<{ bench: number; postgresBackends: number; total: number }> | null;
  /** Cluster-wide pg_stat_wal deltas over the window (other sessions on the server count too). */
  wal: Readonly<{ bytesPerEvent: number; recordsPerEvent: number; syncsPerS: number; appendsPerSync: number }> | null;
  details: Readonly<Record<string, unknown>>;
  failed: string | null;
}>;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function cellSystems(config: BenchConfig): CellSystem[] {
  return config.systems.flatMap((system): CellSystem[] => {
    if (system !== 'ours') return [{ system, label: system, variant: null, index: 0 }];
    return config.oursVariants.map((variant, index): CellSystem => ({
      system,
      label: config.oursVariants.length === 1 ? 'ours' : `ours[${variant.label}]`,
      variant,
      index,
    }));
  });
}

function databaseName(entry: CellSystem, config: BenchConfig, scenario: Scenario, concurrency: number): string {
  const system = entry.system === 'ours' && config.oursVariants.length > 1 ? `ours${entry.index}` : entry.system;
  return `bench_append_${system}_${scenario.name}_c${concurrency}`;
}

async function createTarget(entry: CellSystem, context: TargetContext, config: BenchConfig): Promise<AppendTarget> {
  switch (entry.system) {
    case 'ours':
      return createOursTarget(context, entry.variant ?? config.oursVariants[0]!);
    case 'raw':
      return createRawTarget(context);
    case 'emmett':
      return createEmmettTarget(context, { poolSizeMax: config.emmettPoolMax ?? context.concurrency });
  }
}

function walDelta(start: WalCounters | null, end: WalCounters | null, events: number, appends: number, windowS: number): CellResult['wal'] {
  if (start === null || end === null || events === 0) return null;
  const syncs = end.syncs - start.syncs;
  return {
    bytesPerEvent: Math.round((end.bytes - start.bytes) / events),
    recordsPerEvent: round3((end.records - start.records) / events),
    syncsPerS: Math.round(syncs / windowS),
    appendsPerSync: syncs === 0 ? Number.NaN : round3(appends / syncs),
  };
}

let currentDatabase: string | null = null;

async function runCell(entry: CellSystem, scenario: Scenario, concurrency: number, repeat: number, config: BenchConfig, probe: StatsProbe): Promise<CellResult> {
  const database = databaseName(entry, config, scenario, concurrency);
  const cellId = `${repeat}${concurrency}${scenario.name[0] ?? ''}${Date.now().toString(36)}`;
  const base = { system: entry.system, label: entry.label, scenario: scenario.name, eventsPerAppend: scenario.eventsPerAppend, concurrency, repeat, database };
  currentDatabase = database;
  await recreateDatabase(database);
  let target: AppendTarget | undefined;
  try {
    target = await createTarget(entry, { databaseUrl: databaseUrl(database, config.serverUrl), eventsPerAppend: scenario.eventsPerAppend, concurrency, cellId }, config);
    if (config.checkpointBeforeCell) await checkpoint();
    const cpu = new CpuMeter();
    let walStart: Promise<WalCounters | null> = Promise.resolve(null);
    let walEnd: Promise<WalCounters | null> = Promise.resolve(null);
    let backendsStart: Promise<{ pids: number[]; cpu: Map<number, number> }> = Promise.resolve({ pids: [], cpu: new Map<number, number>() });
    let backendsEnd: Promise<Map<number, number>> = Promise.resolve(new Map<number, number>());
    const active = target;
    const loop = await runClosedLoop({
      concurrency,
      warmupMs: config.warmupS * 1000,
      durationMs: config.durationS * 1000,
      drainTimeoutMs: config.drainTimeoutS * 1000,
      errorsMax: ERRORS_MAX,
      operation: (worker, sequence) => active.append(worker, sequence),
      onWindowStart: () => {
        cpu.start();
        active.resetDetails();
        walStart = probe.wal();
        backendsStart = probe.backendPids(database).then((pids) => ({ pids, cpu: snapshotCpu(pids) }));
      },
      onWindowEnd: () => {
        cpu.stop();
        walEnd = probe.wal();
        backendsEnd = backendsStart.then(({ pids }) => snapshotCpu(pids));
      },
    });
    const windowS = loop.windowMs / 1000;
    const events = loop.operations * scenario.eventsPerAppend;
    const cpuRead = cpu.read();
    const backendCpuS = cpuSecondsBetween((await backendsStart).cpu, await backendsEnd);
    const perAppendUs = (seconds: number): number => Math.round((seconds * 1e6) / Math.max(1, loop.operations));
    return {
      ...base,
      poolSize: target.poolSize,
      windowS,
      appends: loop.operations,
      events,
      appendsPerS: Math.round(loop.operations / windowS),
      eventsPerS: Math.round(events / windowS),
      latencyMs: loop.latency,
      appendsPerSecondSeries: loop.perSecond,
      errors: loop.errors,
      firstError: loop.firstError,
      aborted: loop.aborted,
      machineBusyPct: cpuRead?.machineBusyPct ?? null,
      benchProcessCpuPct: cpuRead?.processCpuPct ?? null,
      cpuUsPerAppend:
        cpuRead === null
          ? null
          : {
              bench: perAppendUs(cpuRead.processCpuSeconds),
              postgresBackends: perAppendUs(backendCpuS),
              total: perAppendUs(cpuRead.processCpuSeconds + backendCpuS),
            },
      wal: walDelta(await walStart, await walEnd, events, loop.operations, windowS),
      details: target.details(),
      failed: loop.aborted ? `aborted after ${loop.errors} errors` : null,
    };
  } catch (error) {
    return {
      ...base,
      poolSize: target?.poolSize ?? null,
      windowS: 0,
      appends: 0,
      events: 0,
      appendsPerS: 0,
      eventsPerS: 0,
      latencyMs: null,
      appendsPerSecondSeries: [],
      errors: 0,
      firstError: null,
      aborted: true,
      machineBusyPct: null,
      benchProcessCpuPct: null,
      cpuUsPerAppend: null,
      wal: null,
      details: {},
      failed: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  } finally {
    await target?.close().catch((error: unknown) => {
      log(`  close failed: ${String(error)}`);
    });
    await dropDatabase(database).catch((error: unknown) => {
      log(`  drop ${database} failed: ${String(error)}`);
    });
    currentDatabase = null;
  }
}

type SummaryRow = Readonly<{
  scenario: Scenario['name'];
  concurrency: number;
  label: string;
  runs: number;
  appendsPerS: number;
  eventsPerS: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerAppend: number;
  appendsPerSRuns: readonly number[];
}>;

function summarize(cells: readonly CellResult[]): SummaryRow[] {
  const groups = new Map<string, CellResult[]>();
  for (const cell of cells) {
    if (cell.failed !== null) continue;
    const key = `${cell.scenario}|${cell.concurrency}|${cell.label}`;
    groups.set(key, [...(groups.get(key) ?? []), cell]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    return {
      scenario: first.scenario,
      concurrency: first.concurrency,
      label: first.label,
      runs: group.length,
      appendsPerS: Math.round(median(group.map((cell) => cell.appendsPerS))),
      eventsPerS: Math.round(median(group.map((cell) => cell.eventsPerS))),
      p50Ms: round3(median(group.map((cell) => cell.latencyMs?.p50Ms ?? Number.NaN))),
      p99Ms: round3(median(group.map((cell) => cell.latencyMs?.p99Ms ?? Number.NaN))),
      cpuUsPerAppend: Math.round(median(group.map((cell) => cell.cpuUsPerAppend?.total ?? Number.NaN))),
      appendsPerSRuns: group.map((cell) => cell.appendsPerS),
    };
  });
}

type Ratio = Readonly<{ appendsPerS: number; eventsPerS: number }> | null;

function ratio(ours: SummaryRow | undefined, other: SummaryRow | undefined): Ratio {
  if (ours === undefined || other === undefined || other.appendsPerS === 0 || other.eventsPerS === 0) return null;
  return { appendsPerS: round3(ours.appendsPerS / other.appendsPerS), eventsPerS: round3(ours.eventsPerS / other.eventsPerS) };
}

function ratios(summary: readonly SummaryRow[], config: BenchConfig) {
  const find = (scenario: string, concurrency: number, label: string) => summary.find((row) => row.scenario === scenario && row.concurrency === concurrency && row.label === label);
  const oursLabels = cellSystems(config)
    .filter((entry) => entry.system === 'ours')
    .map((entry) => entry.label);
  return config.scenarios.flatMap((scenario) =>
    config.concurrencies.flatMap((concurrency) =>
      oursLabels.map((label) => ({
        scenario: scenario.name,
        concurrency,
        ours: label,
        oursOverRaw: ratio(find(scenario.name, concurrency, label), find(scenario.name, concurrency, 'raw')),
        oursOverEmmett: ratio(find(scenario.name, concurrency, label), find(scenario.name, concurrency, 'emmett')),
      })),
    ),
  );
}

function targets(ratioRows: ReturnType<typeof ratios>) {
  const primary = ratioRows.find((row) => row.scenario === 'single' && row.concurrency === 16);
  const check = (name: string, required: number, actual: number | undefined) => ({
    name,
    required,
    actual: actual ?? null,
    met: actual === undefined ? null : actual >= required,
  });
  return [
    check('single event, 16 appenders: ours / raw single-row INSERT transactions/s', 1.0, primary?.oursOverRaw?.appendsPerS),
    check('single event, 16 appenders: ours / Emmett appends/s', 4.0, primary?.oursOverEmmett?.appendsPerS),
  ];
}

/** Which store code was measured: the commit, and a digest of uncommitted changes to it. */
function codeVersion(): { gitHead: string | null; uncommittedStoreFiles: string[]; uncommittedDiffSha256: string | null; note: string | null } {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { encoding: 'utf8', timeout: 10_000, maxBuffer: 32 * 2 ** 20, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const paths = ['infra', 'domain'];
  const status = git(['status', '--porcelain', '--', ...paths]);
  const diff = git(['diff', 'HEAD', '--', ...paths]);
  return {
    gitHead: git(['rev-parse', 'HEAD']),
    uncommittedStoreFiles: status === null || status === '' ? [] : status.split('\n').map((line) => line.trim()),
    uncommittedDiffSha256: diff === null || diff === '' ? null : createHash('sha256').update(diff).digest('hex'),
    note: process.env.BENCH_CODE_NOTE ?? null,
  };
}

async function main(): Promise<void> {
  const code = codeVersion(); // at start: the modules were loaded from this state
  const config = loadConfig(BENCH_SERVER_URL);
  const systems = cellSystems(config);
  const cellCount = config.repeats * config.scenarios.length * config.concurrencies.length * systems.length;
  const estimateS = cellCount * (config.warmupS + config.durationS + 3);
  // Hard bound on the whole run: twice the estimate plus two minutes.
  const watchdog = setTimeout(
    () => {
      log(`watchdog: run exceeded ${2 * estimateS + 120} s, exiting`);
      process.exit(3);
    },
    (2 * estimateS + 120) * 1000,
  );
  watchdog.unref();

  const busyBefore = await machineBusyPct(3000);
  const machine = { ...machineInfo(), machineBusyPctIn3sBeforeStart: busyBefore };
  const server = await serverInfo();
  log(`append bench: ${cellCount} cells, ~${estimateS} s; machine busy ${busyBefore ?? '?'}% before start; ${server.serverVersion}`);

  const probe = await StatsProbe.open(config.serverUrl);
  const startedAt = new Date();
  const cells: CellResult[] = [];
  try {
    let rotation = 0;
    for (let repeat = 0; repeat < config.repeats; repeat += 1) {
      for (const scenario of config.scenarios) {
        for (const concurrency of config.concurrencies) {
          // Same (scenario, concurrency) back to back; the starting system rotates.
          const order = systems.map((_, index) => systems[(index + rotation) % systems.length]!);
          rotation += 1;
          for (const entry of order) {
            const cell = await runCell(entry, scenario, concurrency, repeat, config, probe);
            cells.push(cell);
            log(
              cell.failed === null
                ? `[${cells.length}/${cellCount}] ${scenario.name} c=${concurrency} ${entry.label}: ${cell.appendsPerS} appends/s, ${cell.eventsPerS} events/s, p50 ${cell.latencyMs?.p50Ms} ms, p99 ${cell.latencyMs?.p99Ms} ms, CPU/append ${cell.cpuUsPerAppend?.total ?? '?'} µs, machine ${cell.machineBusyPct ?? '?'}% busy`
                : `[${cells.length}/${cellCount}] ${scenario.name} c=${concurrency} ${entry.label}: FAILED ${cell.failed}`,
            );
          }
        }
      }
    }
  } finally {
    await probe.close();
  }

  const summary = summarize(cells);
  const ratioRows = ratios(summary, config);
  const report = {
    benchmark: 'append',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine,
    postgres: server,
    code,
    config: {
      ...config,
      serverUrl: redactUrl(config.serverUrl),
      scenarios: config.scenarios,
      clock: 'process.hrtime.bigint()',
      loop: 'closed loop: each appender awaits its append, then starts the next; counted when completed inside the window',
      eventShape: 'type FundsDeposited, data { accountId, amountMinor, currency }, metadata { correlationId }',
      pools: {
        ours: 'createPgClient pool of poolSizeMax (variant); group commit runs min(batchesInFlightMax, pool) batches at once',
        raw: 'one pg.Client per appender (autocommit INSERT; 20-event scenario: one 20-row INSERT)',
        emmett: config.emmettPoolMax === null ? 'own pg.Pool, max = concurrency' : `own pg.Pool, max = ${config.emmettPoolMax}`,
      },
    },
    cells,
    summary,
    ratios: ratioRows,
    targets: targets(ratioRows),
  };
  const text = JSON.stringify(report, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `append-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`${text}\n`);
  log(`written ${file}`);
  if (cells.some((cell) => cell.failed !== null)) process.exitCode = 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: dropping ${currentDatabase ?? 'nothing'} and exiting`);
    const pending = currentDatabase === null ? Promise.resolve() : dropDatabase(currentDatabase);
    void pending.catch(() => undefined).finally(() => process.exit(130));
  });
}

main().catch((error: unknown) => {
  log(`append bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
