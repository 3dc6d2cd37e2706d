/**
 * The little the event store and migrations need from a PostgreSQL connection, implemented by
 * node-postgres (a server) and by PGlite (embedded). Values cross as text/JSON so both behave
 * the same: cast bigint and xid8 columns to text in SQL and parse them with BigInt.
 */
export type SqlRow = Record<string, unknown>;

export interface SqlSession {
  query<Row extends SqlRow = SqlRow>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs several statements without parameters in one round trip and returns each statement's
   * rows, in order. Only for SQL whose literals the caller has quoted (see sqlLiterals.ts).
   */
  execMany(sql: string): Promise<SqlRow[][]>;
}

export type PoolStats = Readonly<{
  total: number;
  idle: number;
  waiting: number;
  /** The pool's size limit (DATABASE_POOL_SIZE). */
  sizeMax: number;
  /** The highest (connections in use) / sizeMax seen at a connection checkout since the client was created, 0..1. */
  inUseMaxFraction: number;
}>;

/** Cumulative: statements sent, and their time from reaching a connection to their rows (the wait for a free connection excluded). */
export type QueryStats = Readonly<{ queries: number; totalMs: number }>;

export interface SqlClient extends SqlSession {
  readonly kind: 'postgres' | 'pglite';
  /**
   * Holds one session for `work` (transactions, session advisory locks). On PGlite every query
   * shares the single session, so `work` runs while other callers wait. `lost` aborts as soon as
   * the session's connection dies (terminated, server restart), even with no statement running:
   * whatever the session held (a session advisory lock) is gone then.
   */
  withSession<T>(work: (session: SqlSession, lost: AbortSignal) => Promise<T>): Promise<T>;
  /**
   * Subscribes to NOTIFY on `channel`; returns the unsubscribe function. A lost LISTEN connection
   * is reopened by itself (and `onNotify` called once, for what it may have missed).
   */
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  /** How many statements may usefully run at once (pool size; 1 on PGlite). */
  readonly concurrencyMax: number;
  /** Pool connections open and idle, callers waiting for one, and the busiest the pool has been (node-postgres only; metrics). */
  poolStats?(): PoolStats;
  /** Statements run since the client was created and their summed time (node-postgres only; metrics). */
  queryStats?(): QueryStats;
  close(): Promise<void>;
}
