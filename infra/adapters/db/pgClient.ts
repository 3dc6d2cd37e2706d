import pg from 'pg';
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

/** node-postgres behind the SqlClient port, with a pool and a dedicated LISTEN connection. */
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
  const listeners = new Set<pg.Client>();

  const session = (client: pg.PoolClient | pg.Pool): SqlSession => ({
    async query<Row extends SqlRow>(text: string, params?: readonly unknown[]) {
      const result = await client.query<Row>(text, params === undefined ? undefined : [...params]);
      return result.rows;
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async execMany(sql: string) {
      const result: unknown = await client.query(sql);
      const results = Array.isArray(result) ? (result as pg.QueryResult[]) : [result as pg.QueryResult];
      return results.map((entry) => entry.rows as SqlRow[]);
    },
  });

  return {
    kind: 'postgres',
    concurrencyMax: options.poolSizeMax,
    ...session(pool),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async withSession(work) {
      const client = await pool.connect();
      let broken = false;
      try {
        return await work(session(client));
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        // A session that failed mid-work may still hold a transaction or a lock: discard it.
        client.release(broken);
      }
    },
    async listen(channel, onNotify) {
      const client = new pg.Client({ connectionString: options.connectionString, application_name: `${options.applicationName}-listen` });
      client.on('error', () => undefined);
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify();
      });
      await client.connect();
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      listeners.add(client);
      return async () => {
        listeners.delete(client);
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all([...listeners].map((client) => client.end().catch(() => undefined)));
      listeners.clear();
      await pool.end();
    },
  };
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
