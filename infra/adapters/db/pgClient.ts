import pg from 'pg';
import { asStoreUnavailable } from './connectionErrors.js';
import type { SqlClient, SqlRow, SqlSession } from './sqlClient.js';

export type PgClientOptions = Readonly<{
  connectionString: string;
  poolSizeMax: number;
  /** Server-side statement timeout; a stuck statement fails instead of holding a pool slot. */
  statementTimeoutMs: number;
  /** Closes sessions left idle inside a transaction, which would stall every log reader. */
  idleInTransactionTimeoutMs: number;
  applicationName: string;
}>;

/** Statements sent and their summed time (queryStats); one per client, shared by its sessions. */
type QueryCounters = { queries: number; totalMs: number };

type Run = (text: string, params?: unknown[]) => Promise<pg.QueryResult | pg.QueryResult[]>;

/** Runs one statement on a connection, counting it and its time. */
function timed(connection: pg.PoolClient, counters: QueryCounters): Run {
  return async (text, params) => {
    const begun = performance.now();
    try {
      return await connection.query(text, params);
    } finally {
      counters.queries += 1;
      counters.totalMs += performance.now() - begun;
    }
  };
}

/**
 * One statement on a connection checked out for it alone, as `pool.query` does (a connection
 * whose statement failed is discarded, not returned), so the wait for the connection stays out
 * of the statement's time.
 */
function onPool(pool: pg.Pool, counters: QueryCounters): Run {
  return async (text, params) => {
    const connection = await pool.connect();
    let failure: Error | undefined;
    try {
      return await timed(connection, counters)(text, params);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      connection.release(failure);
    }
  };
}

/** node-postgres behind the SqlClient port, with a pool and a dedicated LISTEN connection. */
/** Statements on the pool or one checked-out client; a lost connection becomes StoreUnavailableError. */
function session(run: Run): SqlSession {
  return {
    async query<Row extends SqlRow>(text: string, params?: readonly unknown[]) {
      try {
        const result = (await run(text, params === undefined ? undefined : [...params])) as pg.QueryResult<Row>;
        return result.rows;
      } catch (error) {
        throw asStoreUnavailable(error);
      }
    },
    async exec(sql: string) {
      try {
        await run(sql);
      } catch (error) {
        throw asStoreUnavailable(error);
      }
    },
    async execMany(sql: string) {
      let result: pg.QueryResult | pg.QueryResult[];
      try {
        result = await run(sql);
      } catch (error) {
        throw asStoreUnavailable(error);
      }
      const results = Array.isArray(result) ? result : [result];
      return results.map((entry) => entry.rows as SqlRow[]);
    },
  };
}

/** Holds one pooled client for `work`, with a `lost` signal that fires the moment its connection dies. */
async function withPooledSession<T>(pool: pg.Pool, counters: QueryCounters, work: (session: SqlSession, lost: AbortSignal) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw asStoreUnavailable(error);
  }
  const lost = new AbortController();
  const onError = (error: Error): void => {
    lost.abort(asStoreUnavailable(error));
  };
  client.on('error', onError);
  let broken = false;
  try {
    return await work(session(timed(client, counters)), lost.signal);
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.removeListener('error', onError);
    // A session that failed mid-work may still hold a transaction or a lock: discard it.
    client.release(broken || lost.signal.aborted);
  }
}

export function createPgClient(options: PgClientOptions): SqlClient {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSizeMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs,
    application_name: options.applicationName,
  });
  // A dropped idle connection is replaced on the next checkout; the error must not crash the process.
  pool.on('error', () => undefined);
  // Nor may one that dies while checked out (pg-pool listens only while a client is idle):
  // withSession reports it through its `lost` signal, a running statement through its rejection.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const listenings = new Set<() => Promise<void>>();
  const counters: QueryCounters = { queries: 0, totalMs: 0 };
  // The busiest the pool has been, sampled where it can only grow: at each checkout (the
  // connection handed out already counts as in use).
  let inUseMax = 0;
  pool.on('acquire', () => {
    inUseMax = Math.max(inUseMax, pool.totalCount - pool.idleCount);
  });

  return {
    kind: 'postgres',
    concurrencyMax: options.poolSizeMax,
    ...session(onPool(pool, counters)),
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      sizeMax: options.poolSizeMax,
      inUseMaxFraction: inUseMax / options.poolSizeMax,
    }),
    queryStats: () => ({ queries: counters.queries, totalMs: counters.totalMs }),
    withSession: (work) => withPooledSession(pool, counters, work),
    async listen(channel, onNotify) {
      const unlisten = await listenReconnecting(options, channel, onNotify);
      const stop = async (): Promise<void> => {
        listenings.delete(stop);
        await unlisten();
      };
      listenings.add(stop);
      return stop;
    },
    async close() {
      await Promise.all([...listenings].map((stop) => stop()));
      await pool.end();
    },
  };
}

/**
 * A dedicated LISTEN connection that reopens itself (backoff up to 5 s) when it dies, and calls
 * `onNotify` after each reopening: notifications sent while it was down are lost, and a reader
 * woken for nothing only re-reads. Resolves after the first attempt, connected or not (readers
 * poll meanwhile).
 */
async function listenReconnecting(options: PgClientOptions, channel: string, onNotify: () => void): Promise<() => Promise<void>> {
  let stopped = false;
  let failures = 0;
  let current: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const open = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.connectionString, application_name: `${options.applicationName}-listen` });
    current = client;
    let gone = false;
    const reopen = (): void => {
      if (gone) return;
      gone = true;
      void client.end().catch(() => undefined);
      if (stopped) return;
      failures += 1;
      timer = setTimeout(
        () => {
          timer = undefined;
          void open();
        },
        Math.min(5000, 50 * 2 ** Math.min(failures, 7)),
      );
    };
    client.on('error', reopen);
    client.on('end', reopen);
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      if (failures > 0) onNotify();
      failures = 0;
    } catch {
      reopen();
    }
  };
  await open();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await current?.end().catch(() => undefined);
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
