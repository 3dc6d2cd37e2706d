import { randomUUID } from 'node:crypto';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import type { Event } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql';
import pg from 'pg';
import type { NewEvent } from '../../domain/eventStore/index.js';
import { loadMigrations, migrate } from '../../infra/adapters/db/migrate.js';
import { createPgClient } from '../../infra/adapters/db/pgClient.js';
import type { SqlClient, SqlRow, SqlSession } from '../../infra/adapters/db/sqlClient.js';
import { POSTGRES_EVENT_STORE_DEFAULTS, PostgresEventStore } from '../../infra/adapters/eventStore/postgres/postgresEventStore.js';
import { LatencyRecorder, nowNs, type LatencySummary } from '../shared/latency.js';

/**
 * The three systems under test behind one shape: an append of `eventsPerAppend` events to a new
 * stream. Every system writes the same kind of event: type FundsDeposited,
 * data { accountId, amountMinor, currency }, metadata { correlationId }.
 */
export type AppendTarget = Readonly<{
  append: (worker: number, sequence: number) => Promise<void>;
  /** Connections this target may open for appends. */
  poolSize: number;
  /** Extra numbers the target can report about itself (after the run). */
  details: () => Readonly<Record<string, unknown>>;
  /** Resets counters behind `details` (called when the measured window opens). */
  resetDetails: () => void;
  close: () => Promise<void>;
}>;

export type TargetContext = Readonly<{
  databaseUrl: string;
  eventsPerAppend: number;
  concurrency: number;
  /** Unique per cell, so stream names never repeat. */
  cellId: string;
}>;

const STATEMENT_TIMEOUT_MS = 30_000;

/**
 * The migrations, read once when this module loads, together with the store's code: a migration
 * file edited on disk during a run cannot then disagree with the store code already loaded.
 */
const MIGRATIONS = loadMigrations();
const CONNECT_TIMEOUT_MS = 10_000;

function eventData(sequence: number, index: number): { accountId: string; amountMinor: number; currency: string } {
  return { accountId: `acc-${sequence}-${index}`, amountMinor: 1_000 + ((sequence * 31 + index) % 100_000), currency: 'EUR' };
}

// ---------------------------------------------------------------------------------------------
// Ours: PostgresEventStore (group commit: one transaction per batch).

export type OursOptions = Readonly<{
  batchesInFlightMax: number;
  batchRequestsMax: number;
  poolSizeMax: number;
}>;

/**
 * Wraps a SqlClient to count and time what the store sends per group-commit batch, without
 * depending on how the store writes: a batch is either one `ledger_append(...)` statement or one
 * held session (`withSession`, a BEGIN … COMMIT transaction); the `query`/`exec`/`execMany`
 * calls inside sessions are counted too (round trips per batch). Needs a client that is a plain object (as
 * createPgClient returns), since its members are copied.
 */
const LEDGER_APPEND_CALL = /\bledger_append\s*\(/;

function instrument(client: SqlClient): {
  client: SqlClient;
  batches: () => { count: number; statementsInSessions: number; latency: LatencySummary };
  reset: () => void;
} {
  let recorder = new LatencyRecorder();
  let statementsInSessions = 0;
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const begun = nowNs();
    const result = await work();
    recorder.record(nowNs() - begun);
    return result;
  };
  // Spread first, so members added to the SqlClient/SqlSession ports later pass through as they are.
  const countingSession = (session: SqlSession): SqlSession => ({
    ...session,
    query<Row extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      statementsInSessions += 1;
      return session.query<Row>(text, params);
    },
    exec(sql: string): Promise<void> {
      statementsInSessions += 1;
      return session.exec(sql);
    },
    execMany(sql: string): Promise<SqlRow[][]> {
      statementsInSessions += 1;
      return session.execMany(sql);
    },
  });
  const wrapped: SqlClient = {
    ...client,
    query<Row extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<Row[]> {
      if (!LEDGER_APPEND_CALL.test(text)) return client.query<Row>(text, params);
      return timed(() => client.query<Row>(text, params));
    },
    withSession: (work) => timed(() => client.withSession((session, lost) => work(countingSession(session), lost))),
  };
  return {
    client: wrapped,
    batches: () => ({ count: recorder.count, statementsInSessions, latency: recorder.summary() }),
    reset: () => {
      recorder = new LatencyRecorder();
      statementsInSessions = 0;
    },
  };
}

export async function createOursTarget(context: TargetContext, options: OursOptions): Promise<AppendTarget> {
  const base = createPgClient({
    connectionString: context.databaseUrl,
    poolSizeMax: options.poolSizeMax,
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: STATEMENT_TIMEOUT_MS,
    applicationName: 'bench-append-ours',
  });
  await migrate(base, MIGRATIONS);
  const probe = instrument(base);
  const store = new PostgresEventStore({
    ...POSTGRES_EVENT_STORE_DEFAULTS,
    client: probe.client,
    batchesInFlightMax: options.batchesInFlightMax,
    batchRequestsMax: options.batchRequestsMax,
  });
  let appends = 0;
  return {
    poolSize: options.poolSizeMax,
    async append(_worker, sequence) {
      const events: NewEvent[] = [];
      for (let index = 0; index < context.eventsPerAppend; index += 1) {
        events.push({
          id: randomUUID(),
          type: 'FundsDeposited',
          schemaVersion: 1,
          data: eventData(sequence, index),
          metadata: { correlationId: randomUUID() },
        });
      }
      await store.append(`acct-${context.cellId}-${sequence}`, events, { kind: 'no_stream' });
      appends += 1;
    },
    details() {
      const batches = probe.batches();
      return {
        batchesInFlightMax: options.batchesInFlightMax,
        batchRequestsMax: options.batchRequestsMax,
        batchEventsMax: POSTGRES_EVENT_STORE_DEFAULTS.batchEventsMax,
        poolSizeMax: options.poolSizeMax,
        // Counted from window start to the end of the run (drain included), so approximate.
        batches: batches.count,
        appendsPerBatch: batches.count === 0 ? null : Math.round((appends / batches.count) * 100) / 100,
        roundTripsPerBatch: batches.count === 0 ? null : Math.round((batches.statementsInSessions / batches.count) * 100) / 100,
        batchMs: batches.latency,
      };
    },
    resetDetails() {
      appends = 0;
      probe.reset();
    },
    async close() {
      await store.close();
      await base.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Raw PostgreSQL: one connection per client, autocommit INSERTs into (id bigserial, payload jsonb).

const RAW_TABLE_SQL = 'CREATE TABLE events (id bigserial PRIMARY KEY, payload jsonb NOT NULL)';

function rawInsertSql(rows: number): string {
  const values = Array.from({ length: rows }, (_, index) => `($${index + 1})`).join(', ');
  return `INSERT INTO events (payload) VALUES ${values}`;
}

export async function createRawTarget(context: TargetContext): Promise<AppendTarget> {
  const clients = Array.from(
    { length: context.concurrency },
    () =>
      new pg.Client({
        connectionString: context.databaseUrl,
        statement_timeout: STATEMENT_TIMEOUT_MS,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        application_name: 'bench-append-raw',
      }),
  );
  clients.forEach((client) => client.on('error', () => undefined));
  const close = async (): Promise<void> => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  };
  try {
    await Promise.all(clients.map((client) => client.connect()));
    await clients[0]?.query(RAW_TABLE_SQL);
  } catch (error) {
    await close();
    throw error;
  }
  const sql = rawInsertSql(context.eventsPerAppend);
  return {
    poolSize: context.concurrency,
    async append(worker, sequence) {
      const client = clients[worker];
      if (client === undefined) throw new Error(`raw: no connection for worker ${worker}`);
      const params: string[] = [];
      for (let index = 0; index < context.eventsPerAppend; index += 1) {
        params.push(
          JSON.stringify({
            type: 'FundsDeposited',
            stream: `acct-${context.cellId}-${sequence}`,
            data: eventData(sequence, index),
            metadata: { correlationId: randomUUID() },
          }),
        );
      }
      await client.query(sql, params);
    },
    details: () => ({ connections: context.concurrency, statement: context.eventsPerAppend === 1 ? 'single-row INSERT' : `one ${context.eventsPerAppend}-row INSERT` }),
    resetDetails: () => undefined,
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// Emmett's PostgreSQL event store, with its own pg.Pool.

type FundsDeposited = Event<'FundsDeposited', { accountId: string; amountMinor: number; currency: string }, { correlationId: string }>;

export type EmmettOptions = Readonly<{ poolSizeMax: number }>;

export async function createEmmettTarget(context: TargetContext, options: EmmettOptions): Promise<AppendTarget> {
  const pool = new pg.Pool({
    connectionString: context.databaseUrl,
    max: options.poolSizeMax,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'bench-append-emmett',
  });
  pool.on('error', () => undefined);
  const store = getPostgreSQLEventStore(context.databaseUrl, { connectionOptions: { pool } });
  const close = async (): Promise<void> => {
    await store.close().catch(() => undefined);
    await pool.end().catch(() => undefined);
  };
  const append = async (stream: string, sequence: number): Promise<void> => {
    const events: FundsDeposited[] = [];
    for (let index = 0; index < context.eventsPerAppend; index += 1) {
      events.push({ type: 'FundsDeposited', data: eventData(sequence, index), metadata: { correlationId: randomUUID() } });
    }
    await store.appendToStream<FundsDeposited>(stream, events, { expectedStreamVersion: STREAM_DOES_NOT_EXIST });
  };
  try {
    // The schema migration (Emmett otherwise runs it on the first append), then one real append.
    await store.schema.migrate();
    await append(`setup-${context.cellId}`, -1);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    poolSize: options.poolSizeMax,
    append: (_worker, sequence) => append(`acct-${context.cellId}-${sequence}`, sequence),
    details: () => ({ poolSizeMax: options.poolSizeMax }),
    resetDetails: () => undefined,
    close,
  };
}
