/**
 * Command throughput over HTTP: the ledger (`infra/entry/main.ts` as a child process, on a fresh
 * PostgreSQL database) under the terminal mix (terminalMix.ts) at 50 keep-alive connections,
 * beside a bare fastify + pg INSERT server (baselineServer.ts) measured in the same run, the same
 * way. Each system gets its own fresh database, dropped at the end.
 *
 *   npm run bench:commands            (= tsx bench/commands/run.ts)
 *
 * Environment (all optional): BENCH_DURATION_S (30), BENCH_WARMUP_S (5), BENCH_CONCURRENCY (50),
 * BENCH_TERMINALS (20), BENCH_STORES (4), BENCH_SYSTEMS (baseline,ours), BENCH_LEDGER_PORT (3211),
 * BENCH_BASELINE_PORT (3212), BENCH_API_PROCESSES (1; "1,2" measures one process with every role, then two API
 * processes plus one singleton process, on ports from BENCH_LEDGER_PORT up), BENCH_LEDGER_LOG_LEVEL (warn), BENCH_LEDGER_POOL_SIZE (the ledger's
 * default), BENCH_LEDGER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_POSTGRES_URL.
 *
 * stdout: one JSON object (also written to bench/results/commands-<timestamp>.json); stderr: progress.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../shared/httpClient.js';
import { machineBusyPct, machineInfo } from '../shared/machine.js';
import { StatsProbe, checkpoint, databaseUrl, dropDatabase, recreateDatabase, serverInfo } from '../shared/postgres.js';
import { startServer } from './children.js';
import { startLedgerUnderTest } from './ledgerUnderTest.js';
import { WindowCpu, type CpuReport } from './cpu.js';
import { registerBenchPartner, seedBenchTenant, TerminalTokens } from './ledgerSetup.js';
import { runLoad, type LoadResult, type Outcome } from './load.js';
import { MIX, TerminalMixWorker } from './terminalMix.js';
import { terminalMixPerformer } from './performMix.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const TARGETS = { ratioMin: 0.5, p99MsMax: 50, errorsMax: 0 } as const;
const REQUEST_TIMEOUT_MS = 30_000;

type Config = Readonly<{
  durationS: number;
  warmupS: number;
  concurrency: number;
  terminals: number;
  stores: number;
  systems: readonly ('baseline' | 'ours')[];
  ledgerPort: number;
  baselinePort: number;
  ledgerLogLevel: string;
  ledgerPoolSize: string | undefined;
  ledgerNodeArguments: readonly string[];
  /** The ledger is measured once per entry: 1 = one process with every role; n > 1 = n API processes and a singleton process. */
  apiProcesses: readonly number[];
}>;

type Measured = LoadResult & Readonly<{ cpu: CpuReport; details: Readonly<Record<string, unknown>> }>;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}`);
  return value;
}

function readConfig(): Config {
  const systems = (process.env.BENCH_SYSTEMS ?? 'baseline,ours').split(',').map((system) => system.trim());
  if (systems.some((system) => system !== 'baseline' && system !== 'ours')) throw new RangeError('BENCH_SYSTEMS: baseline and/or ours');
  return {
    durationS: integer('BENCH_DURATION_S', 30, 1, 3_600),
    warmupS: integer('BENCH_WARMUP_S', 5, 0, 600),
    concurrency: integer('BENCH_CONCURRENCY', 50, 1, 1_000),
    terminals: integer('BENCH_TERMINALS', 20, 1, 1_000),
    stores: integer('BENCH_STORES', 4, 1, 100),
    systems: systems as ('baseline' | 'ours')[],
    ledgerPort: integer('BENCH_LEDGER_PORT', 3211, 1, 65_535),
    baselinePort: integer('BENCH_BASELINE_PORT', 3212, 1, 65_535),
    ledgerLogLevel: process.env.BENCH_LEDGER_LOG_LEVEL ?? 'warn',
    ledgerPoolSize: process.env.BENCH_LEDGER_POOL_SIZE,
    ledgerNodeArguments: (process.env.BENCH_LEDGER_NODE_ARGS ?? '').split(' ').filter((argument) => argument !== ''),
    apiProcesses: (process.env.BENCH_API_PROCESSES ?? '1').split(',').map((count) => {
      const value = Number(count.trim());
      if (!Number.isSafeInteger(value) || value < 1 || value > 8) throw new RangeError('BENCH_API_PROCESSES: a list of integers in 1..8, e.g. 1,2');
      return value;
    }),
  };
}

/** Runs the load against a started server, measuring CPU over the window; stops the server after. */
async function measure(
  config: Config,
  pids: readonly number[],
  database: string,
  perform: (worker: number, sequence: number) => Promise<Outcome>,
): Promise<Omit<Measured, 'details'>> {
  const probe = await StatsProbe.open();
  const cpu = new WindowCpu(pids, probe, database);
  try {
    await checkpoint();
    const load = await runLoad({
      concurrency: config.concurrency,
      warmupMs: config.warmupS * 1000,
      durationMs: config.durationS * 1000,
      perform,
      onWindowStart: () => {
        cpu.start();
      },
      onWindowEnd: () => {
        cpu.stop();
      },
    });
    return { ...load, cpu: await cpu.report(load.requests) };
  } finally {
    await probe.close();
  }
}

async function measureBaseline(config: Config, database: string): Promise<Measured> {
  log(`baseline: fastify + pg Pool(10) INSERT on ${database}, ${config.concurrency} connections, ${config.durationS} s`);
  const server = await startServer({
    label: 'baseline server',
    script: join(ROOT, 'bench', 'commands', 'baselineServer.ts'),
    port: config.baselinePort,
    environment: { DATABASE_URL: databaseUrl(database) },
    readyPath: '/health',
    readyTimeoutMs: 60_000,
  });
  const client = createHttpClient({ baseUrl: server.baseUrl, connections: config.concurrency, requestTimeoutMs: REQUEST_TIMEOUT_MS });
  const body = '{"amountMinor":1234}';
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  try {
    const measured = await measure(config, [server.pid], database, async () => {
      const answer = await client.request('POST', '/events', headers, body);
      return { kind: 'insert', ok: answer.status === 201, status: answer.status, detail: `insert: HTTP ${answer.status} ${answer.body.slice(0, 300)}` };
    });
    return { ...measured, details: { route: 'POST /events → INSERT INTO t (payload) VALUES ($1) RETURNING id', poolSize: 10 } };
  } finally {
    client.close();
    await server.stop();
  }
}

async function measureLedger(config: Config, database: string, apiProcesses: number): Promise<Measured> {
  log(`ours: infra/entry/main.ts × ${apiProcesses} API process(es) on ${database} (LOG_LEVEL=${config.ledgerLogLevel}), ${config.concurrency} connections, ${config.durationS} s`);
  const ledger = await startLedgerUnderTest({
    root: ROOT,
    apiProcesses,
    port: config.ledgerPort,
    concurrency: config.concurrency,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    nodeArguments: config.ledgerNodeArguments,
    environment: {
      DATABASE_URL: databaseUrl(database),
      LOG_LEVEL: config.ledgerLogLevel,
      ...(config.ledgerPoolSize === undefined ? {} : { DATABASE_POOL_SIZE: config.ledgerPoolSize }),
    },
  });
  let tokens: TerminalTokens | undefined;
  try {
    const partner = await registerBenchPartner(databaseUrl(database));
    const terminals = await seedBenchTenant(ledger.baseUrl, partner, config.stores, config.terminals);
    tokens = await TerminalTokens.obtain(ledger.baseUrl, terminals);
    log(`ours: partner ${partner.clientPartnerId}, ${terminals.length} terminals over ${config.stores} stores, tokens obtained`);
    const liveTokens = tokens;
    const workers = Array.from({ length: config.concurrency }, (_, index) => new TerminalMixWorker(0x5eed + index));
    const runId = `bench-${process.pid}-${Date.now()}`;
    const measured = await measure(config, ledger.pids, database, terminalMixPerformer(ledger.client, workers, liveTokens, runId));
    const details = {
      apiProcesses,
      processes: ledger.pids.length,
      terminals: terminals.length,
      stores: config.stores,
      tokenRefreshes: liveTokens.refreshes,
      tokenRefreshFailures: liveTokens.refreshFailures,
      logLevel: config.ledgerLogLevel,
    };
    return { ...measured, details };
  } finally {
    tokens?.stop();
    await ledger.stop();
  }
}

function gitState(): Readonly<{ head: string | null; dirtyFiles: number | null }> {
  const git = (args: string[]): string | null => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  };
  const status = git(['status', '--porcelain']);
  return { head: git(['rev-parse', 'HEAD']), dirtyFiles: status === null ? null : status.split('\n').filter((line) => line !== '').length };
}

function verdict(ours: Measured | undefined, baseline: Measured | undefined): Record<string, unknown> {
  const ratio = ours !== undefined && baseline !== undefined && baseline.requestsPerS > 0 ? Math.round((1000 * ours.requestsPerS) / baseline.requestsPerS) / 1000 : null;
  return {
    ratioOursToBaselineRequestsPerS: ratio,
    targets: TARGETS,
    met:
      ours === undefined
        ? null
        : {
            ratio: ratio === null ? null : ratio >= TARGETS.ratioMin,
            p99: ours.latencyMs.p99Ms < TARGETS.p99MsMax,
            errors: ours.errors.total <= TARGETS.errorsMax,
          },
  };
}

async function main(): Promise<void> {
  const config = readConfig();
  const startedAt = new Date();
  const busyBefore = await machineBusyPct(1_000);
  log(`machine busy before start: ${busyBefore ?? '?'} %`);
  const suffix = `${process.pid}`;
  const databases = { baseline: `bench_commands_baseline_${suffix}`, ours: `bench_commands_${suffix}` };
  let baseline: Measured | undefined;
  let ours: Measured | undefined;
  const scaleOut: Record<string, unknown>[] = [];
  const others: Measured[] = [];
  try {
    if (config.systems.includes('baseline')) {
      await recreateDatabase(databases.baseline);
      baseline = await measureBaseline(config, databases.baseline);
      log(`baseline: ${baseline.requestsPerS} req/s, p99 ${baseline.latencyMs.p99Ms} ms, errors ${baseline.errors.total}`);
    }
    if (config.systems.includes('ours')) {
      for (const apiProcesses of config.apiProcesses) {
        await recreateDatabase(databases.ours);
        const measured = await measureLedger(config, databases.ours, apiProcesses);
        log(`ours × ${apiProcesses}: ${measured.requestsPerS} commands/s, p99 ${measured.latencyMs.p99Ms} ms, errors ${measured.errors.total}`);
        scaleOut.push({ apiProcesses, requestsPerS: measured.requestsPerS, p99Ms: measured.latencyMs.p99Ms, errors: measured.errors.total, cpu: measured.cpu });
        ours ??= measured;
        if (apiProcesses !== config.apiProcesses[0]) others.push(measured);
      }
    }
  } finally {
    await Promise.all(Object.values(databases).map((database) => dropDatabase(database).catch(() => undefined)));
  }
  const result = {
    benchmark: 'bench:commands',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    code: gitState(),
    machine: { ...machineInfo(), busyPctBeforeStart: busyBefore },
    postgres: await serverInfo(),
    config: { ...config, mix: MIX, client: 'node:http keep-alive Agent, maxSockets = concurrency, closed loop' },
    ...verdict(ours, baseline),
    // One row per BENCH_API_PROCESSES entry: the same mix on 1, 2, … API processes (plus one singleton process when > 1).
    scaleOut,
    ours: ours ?? null,
    oursWithMoreApiProcesses: others,
    baseline: baseline ?? null,
  };
  const text = JSON.stringify(result, null, 2);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `commands-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${text}\n`);
  process.stdout.write(`${text}\n`);
  log(`written to ${file}`);
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
