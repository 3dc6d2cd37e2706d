/**
 * The baseline of the rebuild: how fast this PostgreSQL takes plain rows of about an event's width
 * (an id, a few text columns, a bigint amount, a timestamp, a jsonb) in multi-row statements —
 * `rowsPerStatement` rows per INSERT … SELECT FROM jsonb_to_recordset, one statement per
 * transaction, one connection, no pipelining. The text and jsonb values are real events from the
 * log, cycled; the JSON parameter of each statement is built inside the timed loop.
 */
import type { SqlClient } from '../../infra/adapters/db/sqlClient.js';

export type RawInsertResult = Readonly<{
  table: string;
  rows: number;
  rowsPerStatement: number;
  statements: number;
  seconds: number;
  rowsPerS: number;
  /** Average pg_column_size of a whole row: the raw table vs ledger_events (a sample of each). */
  avgRowBytes: Readonly<{ rawTable: number; ledgerEvents: number }>;
}>;

const TABLE = 'bench_raw_insert';
const SAMPLE_ROWS = 5_000;

const CREATE_SQL = `CREATE TABLE ${TABLE} (
  id bigint PRIMARY KEY,
  stream_name text NOT NULL,
  event_type text NOT NULL,
  actor text NOT NULL,
  amount_minor bigint NOT NULL,
  recorded_at timestamptz NOT NULL,
  data jsonb NOT NULL
)`;

const INSERT_SQL = `
INSERT INTO ${TABLE} (id, stream_name, event_type, actor, amount_minor, recorded_at, data)
SELECT id, stream_name, event_type, actor, amount_minor, recorded_at, data
  FROM jsonb_to_recordset($1::jsonb) AS r(id bigint, stream_name text, event_type text, actor text, amount_minor bigint, recorded_at timestamptz, data jsonb)`;

type SampleRow = { stream_name: string; event_type: string; actor: string; recorded_at: string; data: unknown };

async function averageRowBytes(client: SqlClient, table: string): Promise<number> {
  const [row] = await client.query<{ bytes: string | null }>(`SELECT round(avg(pg_column_size(t.*)))::text AS bytes FROM (SELECT * FROM ${table} LIMIT 10000) AS t`);
  return Number(row?.bytes ?? 0);
}

/** Inserts `rows` rows into a fresh plain table; needs a non-empty ledger_events to sample values from. */
export async function measureRawInsert(client: SqlClient, rows: number, rowsPerStatement: number, progress: (rows: number) => void): Promise<RawInsertResult> {
  const sample = await client.query<SampleRow>(
    `SELECT stream_name, event_type, coalesce(metadata->>'actor', '') AS actor, recorded_at, data
       FROM ledger_events ORDER BY global_position LIMIT ${SAMPLE_ROWS}`,
  );
  if (sample.length === 0) throw new Error('raw insert: ledger_events is empty, nothing to sample');
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  await client.query(CREATE_SQL);
  const started = performance.now();
  let inserted = 0;
  let statements = 0;
  while (inserted < rows) {
    const count = Math.min(rowsPerStatement, rows - inserted);
    const batch = new Array<Record<string, unknown>>(count);
    for (let index = 0; index < count; index += 1) {
      const id = inserted + index + 1;
      const source = sample[id % sample.length]!;
      batch[index] = {
        id,
        stream_name: source.stream_name,
        event_type: source.event_type,
        actor: source.actor,
        amount_minor: (id * 7919) % 1_000_000,
        recorded_at: source.recorded_at,
        data: source.data,
      };
    }
    await client.query(INSERT_SQL, [JSON.stringify(batch)]);
    inserted += count;
    statements += 1;
    progress(inserted);
  }
  const seconds = (performance.now() - started) / 1000;
  const avgRowBytes = { rawTable: await averageRowBytes(client, TABLE), ledgerEvents: await averageRowBytes(client, 'ledger_events') };
  return { table: TABLE, rows: inserted, rowsPerStatement, statements, seconds, rowsPerS: Math.round(inserted / seconds), avgRowBytes };
}
