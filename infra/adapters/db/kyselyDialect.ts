/**
 * Kysely over our `SqlClient` (node-postgres pool or PGlite): the query side builds its SELECTs
 * with Kysely and runs them through the same client as everything else. Read-only use: each query
 * runs on whatever session the client gives it; Kysely transactions are refused (writes go through
 * the projection runtime's own transactions).
 */
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult } from 'kysely';
import type { SqlClient } from './sqlClient.js';

class SqlClientConnection implements DatabaseConnection {
  constructor(private readonly client: SqlClient) {}

  async executeQuery<Row>(compiled: CompiledQuery): Promise<QueryResult<Row>> {
    const rows = await this.client.query(compiled.sql, compiled.parameters);
    return { rows: rows as Row[] };
  }

  streamQuery<Row>(): AsyncIterableIterator<QueryResult<Row>> {
    throw new Error('streaming queries are not supported by the SqlClient dialect');
  }
}

class SqlClientDriver implements Driver {
  private readonly connection: SqlClientConnection;

  constructor(client: SqlClient) {
    this.connection = new SqlClientConnection(client);
  }

  async init(): Promise<void> {}
  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(this.connection);
  }
  beginTransaction(): Promise<void> {
    return Promise.reject(new Error('Kysely transactions are not supported here: the read side is read-only'));
  }
  commitTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  rollbackTransaction(): Promise<void> {
    return this.beginTransaction();
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** A Kysely instance with no tables of its own; callers add theirs with `withSchema(…).withTables<…>()`. */
export function createReadKysely(client: SqlClient): Kysely<Record<string, never>> {
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new SqlClientDriver(client),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
  return new Kysely<Record<string, never>>({ dialect });
}
