import { join } from 'node:path';
import { createHttpClient } from '../shared/httpClient.js';
import { databaseUrl, dropDatabase, recreateDatabase } from '../shared/postgres.js';
import { startServer } from '../commands/children.js';
import { registerBenchPartner, seedBenchTenant, TerminalTokens } from '../commands/ledgerSetup.js';
import { LedgerFlows, sendAndClassify } from './ledgerFlows.js';
import { MetricsProbe } from './metricsProbe.js';
import { REQUESTS_PER_FLOW } from './mix.js';
import type { RunClock, StartFlow } from './openLoop.js';
import { RequestRecorder } from './recorder.js';
import { verifyAcknowledged, type Verification } from './verify.js';

/**
 * The systems under load, each a child process on its own fresh database (dropped when it stops):
 * `ours` = the ledger (infra/entry/main.ts) with a merchant, stores and terminals set up over
 * HTTP (bench/commands/ledgerSetup.ts), `baseline` = the bare fastify + pg INSERT server
 * (bench/commands/baselineServer.ts, POST /events).
 */
export type SystemName = 'ours' | 'baseline';

export type System = Readonly<{
  name: SystemName;
  recorder: RequestRecorder;
  requestsPerFlow: number;
  startFlow: StartFlow;
  /** The ledger's /metrics (null for the baseline, which has none). */
  probe: MetricsProbe | null;
  pid: number;
  details: () => Readonly<Record<string, unknown>>;
  /** The log check of every acknowledged write (null for the baseline). */
  verify: () => Promise<Verification | null>;
  stop: () => Promise<void>;
}>;

export type SystemOptions = Readonly<{
  root: string;
  /** The ledger's entry script (default infra/entry/main.ts; another one to measure a variant). */
  ledgerScript: string;
  clock: RunClock;
  connections: number;
  requestTimeoutMs: number;
  terminals: number;
  stores: number;
  poolSize: number;
  port: number;
  logLevel: string;
  seed: number;
  log: (line: string) => void;
}>;

const BASELINE_POOL_SIZE = 10;

export async function startSystem(name: SystemName, options: SystemOptions): Promise<System> {
  const database = name === 'ours' ? `bench_load_${process.pid}` : `bench_load_baseline_${process.pid}`;
  await recreateDatabase(database);
  try {
    return name === 'ours' ? await startLedger(database, options) : await startBaseline(database, options);
  } catch (error) {
    await dropDatabase(database).catch(() => undefined);
    throw error;
  }
}

async function startLedger(database: string, options: SystemOptions): Promise<System> {
  const url = databaseUrl(database);
  const server = await startServer({
    label: 'ledger',
    script: options.ledgerScript,
    port: options.port,
    environment: { DATABASE_URL: url, LOG_LEVEL: options.logLevel, DATABASE_POOL_SIZE: String(options.poolSize), LEDGER_METRICS_ACCESS: 'loopback' },
    readyPath: '/ready',
    readyTimeoutMs: 90_000,
  });
  const client = createHttpClient({ baseUrl: server.baseUrl, connections: options.connections, requestTimeoutMs: options.requestTimeoutMs });
  let tokens: TerminalTokens | undefined;
  try {
    const partner = await registerBenchPartner(url);
    const terminals = await seedBenchTenant(server.baseUrl, partner, options.stores, options.terminals);
    tokens = await TerminalTokens.obtain(server.baseUrl, terminals);
    options.log(`ours: ledger pid ${server.pid} on ${database}, ${terminals.length} terminals over ${options.stores} stores, pool ${options.poolSize}`);
  } catch (error) {
    tokens?.stop();
    client.close();
    await server.stop();
    throw error;
  }
  const liveTokens = tokens;
  const recorder = new RequestRecorder();
  const flows = new LedgerFlows(client, liveTokens, recorder, options.clock, `load-${process.pid}-${Date.now()}`, options.seed);
  const probe = new MetricsProbe(server.baseUrl, options.clock, options.poolSize);
  return {
    name: 'ours',
    recorder,
    requestsPerFlow: REQUESTS_PER_FLOW,
    startFlow: flows.start,
    probe,
    pid: server.pid,
    details: () => ({
      database,
      terminals: liveTokens.count,
      stores: options.stores,
      poolSize: options.poolSize,
      flows: flows.counters,
      tokenRefreshes: liveTokens.refreshes,
      tokenRefreshFailures: liveTokens.refreshFailures,
      metricsScrapeFailures: probe.scrapeFailures,
    }),
    verify: () => verifyAcknowledged(url, flows.acknowledged),
    stop: async () => {
      probe.stop();
      liveTokens.stop();
      client.close();
      await server.stop();
      await dropDatabase(database).catch(() => undefined);
    },
  };
}

async function startBaseline(database: string, options: SystemOptions): Promise<System> {
  const server = await startServer({
    label: 'baseline server',
    script: join(options.root, 'bench', 'commands', 'baselineServer.ts'),
    port: options.port,
    environment: { DATABASE_URL: databaseUrl(database) },
    readyPath: '/health',
    readyTimeoutMs: 60_000,
  });
  options.log(`baseline: fastify + pg Pool(${BASELINE_POOL_SIZE}) INSERT, pid ${server.pid} on ${database}`);
  const client = createHttpClient({ baseUrl: server.baseUrl, connections: options.connections, requestTimeoutMs: options.requestTimeoutMs });
  const recorder = new RequestRecorder();
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  const body = '{"amountMinor":1234}';
  const startFlow: StartFlow = async (_sequence, intendedMs) => {
    const outcome = await sendAndClassify(client, 'POST', '/events', headers, body, 201);
    recorder.add('insert', intendedMs, options.clock.now(), outcome.end);
  };
  return {
    name: 'baseline',
    recorder,
    requestsPerFlow: 1,
    startFlow,
    probe: null,
    pid: server.pid,
    details: () => ({ database, route: 'POST /events → INSERT INTO t (payload) VALUES ($1) RETURNING id', poolSize: BASELINE_POOL_SIZE }),
    verify: () => Promise.resolve(null),
    stop: async () => {
      client.close();
      await server.stop();
      await dropDatabase(database).catch(() => undefined);
    },
  };
}
