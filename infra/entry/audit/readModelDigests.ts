/**
 * Read-model digests and the replay proof. A digest is, per table of a projection's serving
 * generation, its row count and `md5` of its rows as text in sorted order (as test/proofs does),
 * taken in one REPEATABLE READ snapshot together with the generation's checkpoint — a projector
 * commits rows and checkpoint together, so the digest is exactly the state at that log position.
 *
 * The replay runs a projector from the log's start into a scratch schema up to that position and
 * compares table by table: identical, or the first row that differs.
 */
import type { LogPosition } from '../../../domain/eventStore/index.js';
import { comparePositions, LOG_START, parsePosition } from '../../../domain/eventStore/index.js';
import type { Projector } from '../../../projections/index.js';
import type { SqlClient, SqlSession } from '../../adapters/db/sqlClient.js';
import type { EventStore } from '../../../domain/eventStore/index.js';

export type TableDigest = Readonly<{ table: string; rows: number; md5: string }>;
export type ProjectionDigest = Readonly<{ projection: string; generation: number; schema: string; position: string; tables: readonly TableDigest[] }>;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const quoted = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`unexpected identifier ${name}`);
  return `"${name}"`;
};

async function tableDigests(session: SqlSession, schema: string): Promise<TableDigest[]> {
  const tables = await session.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name",
    [schema],
  );
  const digests: TableDigest[] = [];
  for (const { table_name: table } of tables) {
    const [row] = await session.query<{ rows: number; sum: string | null }>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM ${quoted(schema)}.${quoted(table)} t`,
    );
    digests.push({ table, rows: row?.rows ?? 0, md5: row?.sum ?? '' });
  }
  return digests;
}

/** Every serving projection's digest, one consistent snapshot. */
export async function readModelDigests(client: SqlClient): Promise<readonly ProjectionDigest[]> {
  return client.withSession(async (session) => {
    await session.exec('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      const generations = await session.query<{ projection_name: string; generation: number; schema_name: string; position: string }>(
        "SELECT projection_name, generation, schema_name, position FROM projection_generations WHERE state = 'serving' ORDER BY projection_name",
      );
      const digests: ProjectionDigest[] = [];
      for (const row of generations) {
        digests.push({
          projection: row.projection_name,
          generation: row.generation,
          schema: row.schema_name,
          position: row.position,
          tables: await tableDigests(session, row.schema_name),
        });
      }
      return digests;
    } finally {
      await session.exec('ROLLBACK');
    }
  });
}

export type TableComparison = Readonly<{ table: string; identical: boolean; serving: TableDigest; replayed: TableDigest | undefined; firstDifference: string | null }>;
export type ReplayResult = Readonly<{ projection: string; position: string; eventsApplied: number; identical: boolean; tables: readonly TableComparison[] }>;

export type ReplayOptions = Readonly<{
  client: SqlClient;
  store: EventStore;
  projector: Projector;
  digest: ProjectionDigest;
  /** Called after each applied batch with the events applied so far (progress bars). */
  onProgress?: (eventsApplied: number) => void;
  batchSize?: number;
}>;

/**
 * Rebuilds one projection from the log into a scratch schema (`audit_replay_<name>`, dropped
 * afterwards) up to the digest's position and compares each table with the digest.
 */
export async function replayProjection(options: ReplayOptions): Promise<ReplayResult> {
  const { client, projector, digest } = options;
  const target = parsePosition(digest.position) ?? LOG_START;
  const schema = `audit_replay_${projector.name}`;
  await client.exec(`DROP SCHEMA IF EXISTS ${quoted(schema)} CASCADE; CREATE SCHEMA ${quoted(schema)}`);
  try {
    await client.withSession(async (session) => {
      await session.exec(`SET search_path TO ${quoted(schema)}`);
      try {
        for (const statement of projector.tables) await session.query(statement);
      } finally {
        await session.exec('RESET search_path');
      }
    });
    const eventsApplied = await applyUpTo(options, schema, target);
    const tables = await client.withSession(async (session) => {
      const replayed = new Map((await tableDigests(session, schema)).map((table) => [table.table, table]));
      const comparisons: TableComparison[] = [];
      for (const serving of digest.tables) {
        const mine = replayed.get(serving.table);
        const identical = mine !== undefined && mine.rows === serving.rows && mine.md5 === serving.md5;
        comparisons.push({
          table: serving.table,
          identical,
          serving,
          replayed: mine,
          firstDifference: identical ? null : await firstDifference(session, digest.schema, schema, serving.table),
        });
      }
      return comparisons;
    });
    return { projection: projector.name, position: digest.position, eventsApplied, identical: tables.every((table) => table.identical), tables };
  } finally {
    await client.exec(`DROP SCHEMA IF EXISTS ${quoted(schema)} CASCADE`);
  }
}

async function applyUpTo(options: ReplayOptions, schema: string, target: LogPosition): Promise<number> {
  let position = LOG_START;
  let applied = 0;
  const batchSize = options.batchSize ?? 1_000;
  while (comparePositions(position, target) < 0) {
    const page = await options.store.readAll({ from: position, maxCount: batchSize, filter: options.projector.filter });
    const events = page.events.filter((event) => comparePositions(event.position, target) <= 0);
    if (events.length > 0) {
      await options.client.withSession(async (session) => {
        await session.exec(`BEGIN; SET LOCAL search_path TO ${quoted(schema)}`);
        try {
          await options.projector.apply(session, events);
          await session.exec('COMMIT');
        } catch (error) {
          await session.exec('ROLLBACK');
          throw error;
        }
      });
      applied += events.length;
      options.onProgress?.(applied);
    }
    if (comparePositions(page.checkpoint, position) === 0) break;
    position = page.checkpoint;
  }
  return applied;
}

/** The first row (in text order) present in one table and not the other, marked `serving:` or `replayed:`. */
async function firstDifference(session: SqlSession, servingSchema: string, replaySchema: string, table: string): Promise<string | null> {
  const serving = `${quoted(servingSchema)}.${quoted(table)}`;
  const replayed = `${quoted(replaySchema)}.${quoted(table)}`;
  const rows = await session.query<{ side: string; row: string }>(
    `(SELECT 'serving' AS side, row FROM (SELECT t::text AS row FROM ${serving} t EXCEPT ALL SELECT r::text FROM ${replayed} r) a)
     UNION ALL
     (SELECT 'replayed' AS side, row FROM (SELECT r::text AS row FROM ${replayed} r EXCEPT ALL SELECT t::text FROM ${serving} t) b)
     ORDER BY row, side LIMIT 1`,
  );
  const first = rows[0];
  return first === undefined ? null : `${first.side}: ${first.row}`;
}
