/**
 * Why log readers lag although events are committed (docs/ops.md "Lag with a cause"): readers of
 * the whole log only read below `pg_snapshot_xmin` (the oldest transaction still running, cluster
 * wide), so one open transaction holds back every subscriber, whatever it touches. This names the
 * backends whose transaction ids (`backend_xid`) are at or below the horizon, oldest first, with
 * what the on-call engineer needs to decide whom to end (`SELECT pg_terminate_backend(pid)`).
 */
import type { SqlClient } from '../../adapters/db/sqlClient.js';

export type HorizonHolder = Readonly<{
  pid: number;
  /** True for the backend whose transaction id is the horizon itself. */
  holds_horizon: boolean;
  database: string | null;
  user: string | null;
  application_name: string;
  client_address: string | null;
  state: string | null;
  backend_xid: string;
  backend_xmin: string | null;
  transaction_started_at: string | null;
  transaction_age_seconds: number;
  query_started_at: string | null;
  /** The backend's current or last statement, cut to 200 characters. */
  query: string;
}>;

export type LogHorizon = Readonly<{
  /** `pg_snapshot_xmin(pg_current_snapshot())`: readers see events of transactions below it. */
  horizon: string;
  /** Committed events at or above the horizon: invisible to log readers until the holder ends. */
  hidden_events: number;
  /** Open transactions holding a transaction id (oldest first, at most 5); empty when nothing is hidden. */
  held_back_by: readonly HorizonHolder[];
}>;

const iso = (column: string): string => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

type HolderRow = {
  pid: number;
  holds_horizon: boolean;
  datname: string | null;
  usename: string | null;
  application_name: string;
  client_addr: string | null;
  state: string | null;
  backend_xid: string;
  backend_xmin: string | null;
  xact_start: string | null;
  xact_age: string | null;
  query_start: string | null;
  query: string;
};

/** The log horizon and who holds it; on PGlite (one session, nothing can hold it) always empty. */
export async function readLogHorizon(client: SqlClient): Promise<LogHorizon> {
  const [row] = await client.query<{ horizon: string; hidden: string }>(
    `WITH h AS (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin)
     SELECT h.xmin::text AS horizon, (SELECT count(*) FROM ledger_events e WHERE e.transaction_id >= h.xmin)::text AS hidden FROM h`,
  );
  const horizon = row?.horizon ?? '0';
  const hidden = Number(row?.hidden ?? 0);
  if (hidden === 0 || client.kind === 'pglite') return { horizon, hidden_events: hidden, held_back_by: [] };
  const holders = await client.query<HolderRow>(
    `SELECT pid, (backend_xid::text = ($1::bigint % 4294967296)::text) AS holds_horizon, datname, usename, application_name,
            host(client_addr) AS client_addr, state, backend_xid::text AS backend_xid, backend_xmin::text AS backend_xmin,
            ${iso('xact_start')} AS xact_start, extract(epoch FROM clock_timestamp() - xact_start)::text AS xact_age,
            ${iso('query_start')} AS query_start, left(query, 200) AS query
       FROM pg_stat_activity
      WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
      ORDER BY age(backend_xid) DESC
      LIMIT 5`,
    [horizon],
  );
  return {
    horizon,
    hidden_events: hidden,
    held_back_by: holders.map((holder) => ({
      pid: holder.pid,
      holds_horizon: holder.holds_horizon,
      database: holder.datname,
      user: holder.usename,
      application_name: holder.application_name,
      client_address: holder.client_addr,
      state: holder.state,
      backend_xid: holder.backend_xid,
      backend_xmin: holder.backend_xmin,
      transaction_started_at: holder.xact_start,
      transaction_age_seconds: Math.round(Number(holder.xact_age ?? 0) * 1000) / 1000,
      query_started_at: holder.query_start,
      query: holder.query,
    })),
  };
}
