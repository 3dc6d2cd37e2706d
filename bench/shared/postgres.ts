import pg from 'pg';

/**
 * Benchmark databases on one PostgreSQL server. The server comes from `BENCH_POSTGRES_URL`
 * (default: the local trust-auth server); each cell gets its own database on it.
 */
export const BENCH_SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

const ADMIN_TIMEOUT_MS = 60_000;

export function databaseUrl(database: string, serverUrl: string = BENCH_SERVER_URL): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>, serverUrl: string = BENCH_SERVER_URL): Promise<T> {
  const client = new pg.Client({
    connectionString: serverUrl,
    statement_timeout: ADMIN_TIMEOUT_MS,
    connectionTimeoutMillis: 10_000,
    application_name: 'bench-admin',
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Drops (forcing out sessions) and recreates `database`: a fresh, empty database. */
export async function recreateDatabase(database: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  });
}

export async function dropDatabase(database: string): Promise<void> {
  await withAdmin(async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  });
}

/** Flushes dirty buffers so every cell starts from the same state (needs a superuser). */
export async function checkpoint(): Promise<void> {
  await withAdmin(async (client) => {
    await client.query('CHECKPOINT');
  });
}

export type ServerInfo = Readonly<{
  version: string;
  serverVersion: string;
  settings: Readonly<Record<string, string>>;
}>;

const REPORTED_SETTINGS = ['synchronous_commit', 'fsync', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_connections', 'commit_delay', 'max_wal_size'] as const;

export async function serverInfo(): Promise<ServerInfo> {
  return withAdmin(async (client) => {
    const version = await client.query<{ version: string; server_version: string }>('SELECT version() AS version, current_setting($1) AS server_version', ['server_version']);
    const settings = await client.query<{ name: string; setting: string }>('SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name', [REPORTED_SETTINGS]);
    const row = version.rows[0];
    return {
      version: row?.version ?? 'unknown',
      serverVersion: row?.server_version ?? 'unknown',
      settings: Object.fromEntries(settings.rows.map((setting) => [setting.name, setting.setting])),
    };
  });
}

/** Cluster-wide WAL counters (pg_stat_wal, PostgreSQL ≥ 14); other sessions on the server count too. */
export type WalCounters = Readonly<{ records: number; bytes: number; syncs: number; writes: number }>;

/** A long-lived connection for reading server counters during a cell. */
export class StatsProbe {
  private constructor(private readonly client: pg.Client) {}

  static async open(serverUrl: string = BENCH_SERVER_URL): Promise<StatsProbe> {
    const client = new pg.Client({ connectionString: serverUrl, statement_timeout: 10_000, application_name: 'bench-stats' });
    client.on('error', () => undefined);
    await client.connect();
    return new StatsProbe(client);
  }

  async wal(): Promise<WalCounters | null> {
    try {
      const result = await this.client.query<{ records: string; bytes: string; syncs: string; writes: string }>(
        'SELECT wal_records::text AS records, wal_bytes::text AS bytes, wal_sync::text AS syncs, wal_write::text AS writes FROM pg_stat_wal',
      );
      const row = result.rows[0];
      if (row === undefined) return null;
      return { records: Number(row.records), bytes: Number(row.bytes), syncs: Number(row.syncs), writes: Number(row.writes) };
    } catch {
      return null;
    }
  }

  /** Process ids of the client backends connected to `database`. */
  async backendPids(database: string): Promise<number[]> {
    try {
      const result = await this.client.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'", [database]);
      return result.rows.map((row) => row.pid);
    } catch {
      return [];
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
