/**
 * What bench:commands measures and how (shared with bench:growth): the configuration from the
 * environment, the closed-loop terminal mix against the ledger (1..n API processes) and against the
 * bare INSERT baseline, CPU over the window, and the git state the numbers belong to.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../shared/httpClient.js';
import { StatsProbe, checkpoint, databaseUrl, type WalCounters } from '../shared/postgres.js';
import { startServer } from './children.js';
import { startLedgerUnderTest } from './ledgerUnderTest.js';
import { WindowCpu, type CpuReport } from './cpu.js';
import { registerBenchPartner, seedBenchTenant, TerminalTokens } from './ledgerSetup.js';
import { runLoad, type LoadResult, type Outcome } from './load.js';
import { TerminalMixWorker } from './terminalMix.js';
import { terminalMixPerformer } from './performMix.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REQUEST_TIMEOUT_MS = 30_000;

export type Config = Readonly<{
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

export type Measured = LoadResult & Readonly<{ cpu: CpuReport; databaseCost: DatabaseCost; details: Readonly<Record<string, unknown>> }>;

export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max}`);
  return value;
}

export function readConfig(): Config {
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

/** The ledger's statements sent so far (ledger_db_queries_total, summed over its processes; null without /metrics). */
async function statementsSent(metricsUrls: readonly string[]): Promise<number | null> {
  let total = 0;
  for (const url of metricsUrls) {
    const text = await fetch(url)
      .then((response) => (response.ok ? response.text() : ''))
      .catch(() => '');
    const line = text.split('\n').find((entry) => entry.startsWith('ledger_db_queries_total'));
    if (line === undefined) return null;
    total += Number(line.split(' ').at(-1));
  }
  return total;
}

/** WAL (cluster-wide: the machine's PostgreSQL should be otherwise idle) and statements per successful request. */
export type DatabaseCost = Readonly<{ walBytesPerRequest: number | null; walRecordsPerRequest: number | null; statementsPerRequest: number | null }>;

/** Runs the load against a started server, measuring CPU, WAL and statements over the window; stops the server after. */
async function measure(
  config: Config,
  pids: readonly number[],
  database: string,
  perform: (worker: number, sequence: number) => Promise<Outcome>,
  metricsUrls: readonly string[] = [],
): Promise<Omit<Measured, 'details'>> {
  const probe = await StatsProbe.open();
  const cpu = new WindowCpu(pids, probe, database);
  const marks: Promise<readonly [WalCounters | null, number | null]>[] = [];
  const mark = (): void => {
    marks.push(Promise.all([probe.wal(), metricsUrls.length === 0 ? Promise.resolve(null) : statementsSent(metricsUrls)]));
  };
  try {
    await checkpoint();
    const load = await runLoad({
      concurrency: config.concurrency,
      warmupMs: config.warmupS * 1000,
      durationMs: config.durationS * 1000,
      perform,
      onWindowStart: () => {
        cpu.start();
        mark();
      },
      onWindowEnd: () => {
        cpu.stop();
        mark();
      },
    });
    const [start, end] = await Promise.all(marks);
    const [walStart, statementsStart] = start ?? [null, null];
    const [walEnd, statementsEnd] = end ?? [null, null];
    const per = (delta: number | null): number | null => (delta === null || load.requests === 0 ? null : Math.round((100 * delta) / load.requests) / 100);
    const databaseCost: DatabaseCost = {
      walBytesPerRequest: per(walStart === null || walEnd === null ? null : walEnd.bytes - walStart.bytes),
      walRecordsPerRequest: per(walStart === null || walEnd === null ? null : walEnd.records - walStart.records),
      statementsPerRequest: per(statementsStart === null || statementsEnd === null ? null : statementsEnd - statementsStart),
    };
    return { ...load, cpu: await cpu.report(load.requests), databaseCost };
  } finally {
    await probe.close();
  }
}

export async function measureBaseline(config: Config, database: string): Promise<Measured> {
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

/**
 * `beforeLoad` runs once the ledger is up and the tenant seeded, before the warm-up (e.g. wait for the projections).
 * `scrapeMetrics: false` leaves /metrics alone in the window (a scrape reads the relay's and projections' backlogs).
 */
export async function measureLedger(config: Config, database: string, apiProcesses: number, beforeLoad?: () => Promise<void>, scrapeMetrics = true): Promise<Measured> {
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
      LEDGER_METRICS_ACCESS: 'loopback',
      ...(config.ledgerPoolSize === undefined ? {} : { DATABASE_POOL_SIZE: config.ledgerPoolSize }),
    },
  });
  let tokens: TerminalTokens | undefined;
  try {
    const partner = await registerBenchPartner(databaseUrl(database));
    const terminals = await seedBenchTenant(ledger.baseUrl, partner, config.stores, config.terminals);
    tokens = await TerminalTokens.obtain(ledger.baseUrl, terminals);
    log(`ours: partner ${partner.clientPartnerId}, ${terminals.length} terminals over ${config.stores} stores, tokens obtained`);
    await beforeLoad?.();
    const liveTokens = tokens;
    const workers = Array.from({ length: config.concurrency }, (_, index) => new TerminalMixWorker(0x5eed + index));
    const runId = `bench-${process.pid}-${Date.now()}`;
    const measured = await measure(config, ledger.pids, database, terminalMixPerformer(ledger.client, workers, liveTokens, runId), scrapeMetrics ? ledger.metricsUrls : []);
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
