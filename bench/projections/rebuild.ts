/**
 * Part A: catch-up rate. A fresh database with a backlog of PaymentIntent events (bench/relay's
 * builder: the real decider's cash with partial refunds, card, declined card, QR, cancellations),
 * then the projection runtime started from the start of the log with the given projectors, timed
 * until every projection has applied everything (`caughtUp`). Beside it, in the same database,
 * the raw multi-row INSERT baseline (rawInsert.ts) for as many rows as there are log events.
 * `logReadsPerEvent`: rows of `ledger_events` the catch-up read per log event (PostgreSQL's table
 * statistics), 1 when the projections shared every page of the log.
 */
import type { RecordedEvent } from '../../domain/eventStore/index.js';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';
import { migrate } from '../../infra/adapters/db/migrate.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import { startProjections, type ProjectionStatus } from '../../infra/runtime/projections/projectionRuntime.js';
import type { Projector, ProjectionSql } from '../../projections/runtime/projector.js';
import { round3 } from '../shared/latency.js';
import { CpuMeter, processCpuSeconds } from '../shared/machine.js';
import { checkpoint, databaseUrl, dropDatabase, recreateDatabase } from '../shared/postgres.js';
import { buildBacklog } from '../relay/backlog.js';
import { measureRawInsert, type RawInsertResult } from './rawInsert.js';

export type RebuildConfig = Readonly<{
  database: string;
  events: number;
  batchSizeMax: number;
  backlogRowsPerStatement: number;
  poolSize: number;
  timeoutS: number;
  keep: boolean;
  targetEventsPerS: number;
}>;

type Say = (message: string) => void;

const RUNTIME_APPLICATION = 'bench-projections-runtime';

/** Per projection, counted in this process by a transparent wrapper around `apply`. */
type Tally = { events: number; batches: number; applyMs: number; lastBatchAtMs: number };

function tallied(projector: Projector, tally: Tally, series: Map<number, number>, origin: () => number): Projector {
  return {
    name: projector.name,
    version: projector.version,
    tables: projector.tables,
    filter: projector.filter,
    async apply(sql: ProjectionSql, events: readonly RecordedEvent[]): Promise<void> {
      const begun = performance.now();
      await projector.apply(sql, events);
      const done = performance.now();
      tally.events += events.length;
      tally.batches += 1;
      tally.applyMs += done - begun;
      tally.lastBatchAtMs = done - origin();
      const second = Math.floor((done - origin()) / 1000);
      series.set(second, (series.get(second) ?? 0) + events.length);
    },
  };
}

async function logEventCount(client: SqlClient): Promise<number> {
  const [row] = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM ledger_events');
  return Number(row?.n ?? 0);
}

/** Rows of `ledger_events` read so far (index and sequential scans), from the statistics views. */
async function logRowsRead(client: SqlClient): Promise<number> {
  const [row] = await client.query<{ n: string }>(
    "SELECT (coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0))::text AS n FROM pg_stat_user_tables WHERE relname = 'ledger_events'",
  );
  return Number(row?.n ?? 0);
}

/** Waits until the statistics of the runtime's ended sessions are visible (they are flushed as a session ends). */
async function logRowsReadAfter(client: SqlClient, before: number): Promise<number> {
  let read = before;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    await client.query('SELECT pg_stat_clear_snapshot()');
    const now = await logRowsRead(client);
    if (now === read && now > before) return now;
    read = now;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return read;
}

async function runtimeBackendsCpuS(client: SqlClient): Promise<number | null> {
  const rows = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [RUNTIME_APPLICATION]);
  let total = 0;
  for (const { pid } of rows) {
    const seconds = processCpuSeconds(pid);
    if (seconds === null) return null;
    total += seconds;
  }
  return Math.round(total * 100) / 100;
}

type CatchUp = Readonly<{
  completed: boolean;
  error: string | null;
  seconds: number;
  eventsPerS: number | null;
  cpu: Readonly<{ processCpuPct: number | null; processCpuSeconds: number | null; machineBusyPct: number | null; postgresBackendsCpuS: number | null }>;
  warnings: number;
  appliedEventsPerSecondSeries: readonly number[];
  perProjection: readonly Readonly<Record<string, unknown>>[];
}>;

/** Starts the runtime from the log start and waits until it has applied everything (or fails / times out). */
async function catchUp(url: string, config: RebuildConfig, projectors: readonly Projector[], logEvents: number, say: Say): Promise<CatchUp> {
  const client = createPgClient({
    connectionString: url,
    poolSizeMax: config.poolSize,
    statementTimeoutMs: 600_000,
    idleInTransactionTimeoutMs: 600_000,
    applicationName: RUNTIME_APPLICATION,
  });
  const store = new PostgresEventStore({ ...POSTGRES_EVENT_STORE_DEFAULTS, client });
  const tallies = new Map<string, Tally>(projectors.map((projector) => [projector.name, { events: 0, batches: 0, applyMs: 0, lastBatchAtMs: 0 }]));
  const series = new Map<number, number>();
  let started = 0;
  const origin = (): number => started;
  let warnings = 0;
  let rejectFatal: (error: Error) => void = () => undefined;
  const fatal = new Promise<never>((_, reject) => (rejectFatal = reject));
  fatal.catch(() => undefined);
  const cpu = new CpuMeter();
  cpu.start();
  started = performance.now();
  const runtime = startProjections({
    client,
    store,
    projectors: projectors.map((projector) => tallied(projector, tallies.get(projector.name)!, series, origin)),
    options: { batchSizeMax: config.batchSizeMax },
    log: (level, message, details) => {
      if (level === 'warn') warnings += 1;
      if (level === 'error') rejectFatal(new Error(`${message} ${JSON.stringify(details)}`));
      if (level !== 'info') say(`  runtime ${level}: ${message} ${JSON.stringify(details)}`);
    },
  });
  const progress = setInterval(() => {
    const applied = [...tallies.entries()].map(([name, tally]) => `${name} ${tally.events}`).join(', ');
    say(`  ${Math.round((performance.now() - started) / 1000)} s: applied ${applied}`);
  }, 5_000);
  let error: string | null = null;
  try {
    await Promise.race([runtime.caughtUp(config.timeoutS * 1000), fatal]);
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const seconds = (performance.now() - started) / 1000;
  cpu.stop();
  clearInterval(progress);
  const backendsCpuS = await runtimeBackendsCpuS(client).catch(() => null);
  let statuses: ProjectionStatus[] = [];
  try {
    statuses = await runtime.status();
  } catch (failure) {
    say(`  status failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
  await runtime.stop();
  await store.close();
  await client.close();
  const meter = cpu.read();
  const perProjection = projectors.map((projector) => {
    const tally = tallies.get(projector.name)!;
    const status = statuses.find((entry) => entry.name === projector.name);
    return {
      name: projector.name,
      version: projector.version,
      filter: projector.filter,
      state: status?.state ?? null,
      eventsApplied: status?.serving?.events_applied ?? null,
      eventsBehind: status?.serving?.events_behind ?? null,
      eventsSeenByApply: tally.events,
      batches: tally.batches,
      applyMsTotal: Math.round(tally.applyMs),
      lastBatchAtS: round3(tally.lastBatchAtMs / 1000),
      parkedEvents: status?.parked_events.length ?? null,
      lastError: status?.last_error ?? null,
    };
  });
  const lastSecond = Math.max(-1, ...series.keys());
  const completed = error === null;
  return {
    completed,
    error,
    seconds: round3(seconds),
    eventsPerS: completed ? Math.round(logEvents / seconds) : null,
    cpu: {
      processCpuPct: meter?.processCpuPct ?? null,
      processCpuSeconds: meter === null ? null : round3(meter.processCpuSeconds),
      machineBusyPct: meter?.machineBusyPct ?? null,
      postgresBackendsCpuS: backendsCpuS,
    },
    warnings,
    appliedEventsPerSecondSeries: Array.from({ length: lastSecond + 1 }, (_, second) => series.get(second) ?? 0),
    perProjection,
  };
}

export type RebuildResult = Readonly<Record<string, unknown>> & Readonly<{ met: boolean | null }>;

export async function runRebuild(config: RebuildConfig, projectors: readonly Projector[], say: Say): Promise<RebuildResult> {
  const url = databaseUrl(config.database);
  await recreateDatabase(config.database);
  const client = createPgClient({ connectionString: url, poolSizeMax: 4, statementTimeoutMs: 600_000, idleInTransactionTimeoutMs: 60_000, applicationName: 'bench-projections' });
  try {
    await migrate(client);
    say(`rebuild: building a backlog of ${config.events} events in ${config.database} …`);
    let reported = 0;
    const backlog = await buildBacklog(client, config.events, config.backlogRowsPerStatement, (events) => {
      if (events - reported >= 100_000) {
        reported = events;
        say(`  ${events} events inserted`);
      }
    });
    await client.query('ANALYZE ledger_events');
    const logEvents = await logEventCount(client);
    say(`rebuild: backlog of ${logEvents} log events (${backlog.intents} intents) in ${round3(backlog.seconds)} s`);

    let run: CatchUp | null = null;
    let logReadsPerEvent: number | null = null;
    if (projectors.length === 0) {
      say('rebuild: no projectors to run: catch-up not measured');
    } else {
      await checkpoint();
      say(`rebuild: catching up ${projectors.map((projector) => projector.name).join(', ')} (batchSizeMax ${config.batchSizeMax}) …`);
      const readBefore = await logRowsRead(client);
      run = await catchUp(url, config, projectors, logEvents, say);
      // How many times the projections together read each log row: 1 when they shared every page.
      logReadsPerEvent = round3(((await logRowsReadAfter(client, readBefore)) - readBefore) / logEvents);
      say(`rebuild: ${run.completed ? 'caught up' : `FAILED (${run.error ?? '?'})`} in ${run.seconds} s: ${run.eventsPerS ?? '-'} log events/s`);
    }

    await checkpoint();
    say(`raw insert: ${logEvents} rows, ${config.batchSizeMax} per statement …`);
    let rawReported = 0;
    const raw: RawInsertResult = await measureRawInsert(client, logEvents, config.batchSizeMax, (rows) => {
      if (rows - rawReported >= 200_000) {
        rawReported = rows;
        say(`  ${rows} rows inserted`);
      }
    });
    say(`raw insert: ${raw.rowsPerS} rows/s`);

    const eventsPerS = run?.eventsPerS ?? null;
    return {
      database: config.database,
      logEvents,
      backlog: { ...backlog, seconds: round3(backlog.seconds), eventsPerS: Math.round(backlog.events / backlog.seconds) },
      catchUp: run,
      logReadsPerEvent,
      rawInsert: { ...raw, seconds: round3(raw.seconds) },
      ratioOursToRawInsert: eventsPerS === null ? null : round3(eventsPerS / raw.rowsPerS),
      target: { eventsPerS: config.targetEventsPerS },
      met: eventsPerS === null ? null : eventsPerS >= config.targetEventsPerS,
    };
  } finally {
    await client.close();
    if (!config.keep) await dropDatabase(config.database).catch(() => undefined);
  }
}
