/**
 * Part B: projection lag under the command load. The ledger (`infra/entry/main.ts`, which runs every
 * projection of `allProjectors` itself) as a child process on a fresh database, the terminal mix
 * of bench:commands at N connections, `GET /v1/ops/projections` polled every second during the
 * load (max events behind) and read once right after it (lag p50/p99 of the latest ≤ 5000 events
 * each projection applied live, and events behind), then again once everything is applied.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startServer } from '../commands/children.js';
import { WindowCpu } from '../commands/cpu.js';
import { registerBenchPartner, seedBenchTenant, TerminalTokens } from '../commands/ledgerSetup.js';
import { runLoad } from '../commands/load.js';
import { MIX, TerminalMixWorker } from '../commands/terminalMix.js';
import { createHttpClient } from '../shared/httpClient.js';
import { round3 } from '../shared/latency.js';
import { StatsProbe, checkpoint, databaseUrl, dropDatabase, recreateDatabase } from '../shared/postgres.js';
import { terminalMixPerformer } from '../commands/performMix.js';

export type LagConfig = Readonly<{
  database: string;
  root: string;
  loadS: number;
  warmupS: number;
  concurrency: number;
  terminals: number;
  stores: number;
  ledgerPort: number;
  ledgerLogLevel: string;
  drainTimeoutS: number;
  keep: boolean;
  lagP99MsMax: number;
}>;

type Say = (message: string) => void;

const REQUEST_TIMEOUT_MS = 30_000;

type Progress = Readonly<{ state: string; events_behind: number; seconds_behind: number; events_applied: number }>;
type OpsStatus = Readonly<{
  name: string;
  version: number;
  state: string;
  serving: Progress | null;
  rebuild: Progress | null;
  lag_ms: Readonly<{ p50: number; p99: number; samples: number }> | null;
  last_error: Readonly<{ message: string; at: string }> | null;
  parked_events: readonly unknown[];
}>;

async function readStatus(baseUrl: string, secret: string): Promise<OpsStatus[]> {
  const response = await fetch(`${baseUrl}/v1/ops/projections`, { headers: { 'x-operator-secret': secret, accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
  const body = await response.text();
  if (response.status !== 200) throw new Error(`GET /v1/ops/projections: HTTP ${response.status} ${body.slice(0, 300)}`);
  return (JSON.parse(body) as { data: OpsStatus[] }).data;
}

const behind = (status: OpsStatus): number => (status.serving?.events_behind ?? 0) + (status.rebuild?.events_behind ?? 0);

const view = (status: OpsStatus): Readonly<Record<string, unknown>> => ({
  name: status.name,
  state: status.state,
  lagMs: status.lag_ms,
  eventsBehind: status.serving?.events_behind ?? null,
  secondsBehind: status.serving?.seconds_behind ?? null,
  eventsApplied: status.serving?.events_applied ?? null,
  parkedEvents: status.parked_events.length,
  lastError: status.last_error,
});

/** Polls the ops route every second until stopped: the most events behind seen per projection. */
function startPoller(baseUrl: string, secret: string, say: Say): { stop: () => Promise<Readonly<Record<string, unknown>>> } {
  const maxBehind = new Map<string, number>();
  const maxLagP99 = new Map<string, number>();
  let polls = 0;
  let failures = 0;
  let pollMsMax = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const begun = performance.now();
      try {
        for (const status of await readStatus(baseUrl, secret)) {
          maxBehind.set(status.name, Math.max(maxBehind.get(status.name) ?? 0, behind(status)));
          if (status.lag_ms !== null) maxLagP99.set(status.name, Math.max(maxLagP99.get(status.name) ?? 0, status.lag_ms.p99));
        }
        polls += 1;
      } catch (error) {
        failures += 1;
        if (failures <= 3) say(`  poll failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      const elapsed = performance.now() - begun;
      pollMsMax = Math.max(pollMsMax, elapsed);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - elapsed)));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      // Idempotent: a second call (from a finally) only reads the tallies again.
      return {
        polls,
        failures,
        pollMsMax: Math.round(pollMsMax),
        maxEventsBehind: Object.fromEntries(maxBehind),
        maxEventsBehindAll: Math.max(0, ...maxBehind.values()),
        maxLagP99MsSeen: Object.fromEntries(maxLagP99),
      };
    },
  };
}

/** Waits until no projection is behind; the seconds it took, or null after `timeoutS`. */
async function drained(baseUrl: string, secret: string, timeoutS: number): Promise<number | null> {
  const begun = performance.now();
  while (performance.now() - begun < timeoutS * 1000) {
    const statuses = await readStatus(baseUrl, secret);
    if (statuses.every((status) => behind(status) === 0)) return round3((performance.now() - begun) / 1000);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}

export type LagResult = Readonly<Record<string, unknown>> & Readonly<{ met: boolean | null }>;

export async function runLag(config: LagConfig, say: Say): Promise<LagResult> {
  const secret = randomBytes(32).toString('base64url');
  await recreateDatabase(config.database);
  try {
    say(`lag: infra/entry/main.ts on ${config.database}, ${config.concurrency} connections, ${config.loadS} s (+${config.warmupS} s warm-up)`);
    const server = await startServer({
      label: 'ledger',
      script: join(config.root, 'infra', 'entry', 'main.ts'),
      port: config.ledgerPort,
      environment: { DATABASE_URL: databaseUrl(config.database), LOG_LEVEL: config.ledgerLogLevel, LEDGER_OPERATOR_SECRET: secret },
      readyPath: '/ready',
      readyTimeoutMs: 90_000,
      // As `npm start` runs it: a larger young generation (fewer scavenges of short-lived event objects).
      nodeArguments: ['--max-semi-space-size=64'],
    });
    const client = createHttpClient({ baseUrl: server.baseUrl, connections: config.concurrency, requestTimeoutMs: REQUEST_TIMEOUT_MS });
    let tokens: TerminalTokens | undefined;
    const probe = await StatsProbe.open();
    let poller: ReturnType<typeof startPoller> | undefined;
    try {
      const partner = await registerBenchPartner(databaseUrl(config.database));
      const terminals = await seedBenchTenant(server.baseUrl, partner, config.stores, config.terminals);
      tokens = await TerminalTokens.obtain(server.baseUrl, terminals);
      const liveTokens = tokens;
      const before = await readStatus(server.baseUrl, secret);
      say(`lag: ${terminals.length} terminals seeded; projections in the ledger: ${before.map((status) => status.name).join(', ') || '(none)'}`);
      const workers = Array.from({ length: config.concurrency }, (_, index) => new TerminalMixWorker(0x5eed + index));
      const runId = `bench-projections-${process.pid}-${Date.now()}`;
      const cpu = new WindowCpu(server.pid, probe, config.database);
      await checkpoint();
      poller = startPoller(server.baseUrl, secret, say);
      const load = await runLoad({
        concurrency: config.concurrency,
        warmupMs: config.warmupS * 1000,
        durationMs: config.loadS * 1000,
        onWindowStart: () => {
          cpu.start();
        },
        onWindowEnd: () => {
          cpu.stop();
        },
        perform: terminalMixPerformer(client, workers, liveTokens, runId),
      });
      const atEnd = await readStatus(server.baseUrl, secret);
      const polled = await poller.stop();
      const drainedS = await drained(server.baseUrl, secret, config.drainTimeoutS);
      const afterDrain = await readStatus(server.baseUrl, secret);
      say(`lag: ${load.requestsPerS} requests/s, p99 ${load.latencyMs.p99Ms} ms, errors ${load.errors.total}; drained in ${drainedS ?? '>' + String(config.drainTimeoutS)} s`);
      const p99s = atEnd.map((status) => status.lag_ms?.p99).filter((value): value is number => value !== undefined);
      const worstP99 = p99s.length === 0 ? null : Math.max(...p99s);
      return {
        database: config.database,
        projections: atEnd.map((status) => status.name),
        load: {
          windowS: load.windowS,
          requests: load.requests,
          requestsPerS: load.requestsPerS,
          latencyMs: load.latencyMs,
          errors: load.errors,
          aborted: load.aborted,
          byKind: Object.fromEntries(Object.entries(load.byKind).map(([kind, entry]) => [kind, { requestsPerS: entry.requestsPerS, p99Ms: entry.latencyMs.p99Ms }])),
          perSecond: load.perSecond,
          mix: MIX,
          cpu: await cpu.report(load.requests),
          terminals: terminals.length,
        },
        atEnd: atEnd.map(view),
        duringLoad: polled,
        drainedSecondsAfterLoad: drainedS,
        afterDrain: afterDrain.map(view),
        worstLagP99Ms: worstP99,
        target: { lagP99MsMax: config.lagP99MsMax },
        met: worstP99 === null ? null : worstP99 < config.lagP99MsMax,
      };
    } finally {
      await poller?.stop();
      tokens?.stop();
      client.close();
      await probe.close();
      await server.stop();
    }
  } finally {
    if (!config.keep) await dropDatabase(config.database).catch(() => undefined);
  }
}
